import { describe, expect, it } from "vitest";
import { RegistryError } from "./registry-error";
import { DEFAULT_UPLOAD_POLICY, UploadStrategy } from "./upload-strategy";

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const refused = (status: number, body = "") =>
  new RegistryError({ status, method: "PATCH", where: "/v2/a/blobs/uploads/x", registry: "r", side: "target", body });

describe("UploadStrategy", () => {
  it("sends whole blobs by default and chunks only large ones where chunks are taken", () => {
    const generic = new UploadStrategy();
    expect(generic.choose(50 * MiB, DEFAULT_UPLOAD_POLICY)).toEqual({ mode: "whole" });
    expect(generic.choose(3 * GiB, DEFAULT_UPLOAD_POLICY)).toEqual({ mode: "chunks", chunkBytes: 128 * MiB });
    expect(new UploadStrategy({ chunks: "no" }).choose(3 * GiB, DEFAULT_UPLOAD_POLICY)).toEqual({ mode: "whole" });
    expect(generic.choose(3 * GiB, DEFAULT_UPLOAD_POLICY, 256 * MiB)).toEqual({
      mode: "chunks",
      chunkBytes: 256 * MiB,
    });
  });

  it("keeps blobs over a stated request limit under it, in chunks", () => {
    const acr = new UploadStrategy({ chunks: "yes", maxRequestBytes: 20e6, maxChunkBytes: 16 * MiB });
    expect(acr.choose(19e6, DEFAULT_UPLOAD_POLICY)).toEqual({ mode: "whole" });
    expect(acr.choose(30e6, DEFAULT_UPLOAD_POLICY)).toEqual({ mode: "chunks", chunkBytes: 16 * MiB });
  });

  it("learns from answers: 413 to a whole blob → chunks for every blob that size; 413 to a chunk → half; a refused first chunk → whole", () => {
    const learning = new UploadStrategy();
    const whole = learning.choose(30e6, DEFAULT_UPLOAD_POLICY);
    expect(learning.learn(refused(413), whole, 30e6, 0)).toBe(true);
    // The same for a blob uploading at the same time, not just the one that met the 413.
    expect(learning.choose(25e6 + 1e6, DEFAULT_UPLOAD_POLICY).mode).toBe("whole");
    expect(learning.choose(30e6, DEFAULT_UPLOAD_POLICY).mode).toBe("chunks");

    const chunks = learning.choose(3 * GiB, DEFAULT_UPLOAD_POLICY);
    expect(learning.learn(refused(416, "the request body is too large"), chunks, 3 * GiB, 0)).toBe(true);
    expect(learning.choose(3 * GiB, DEFAULT_UPLOAD_POLICY)).toEqual({ mode: "chunks", chunkBytes: 64 * MiB });

    const monolithic = new UploadStrategy();
    const first = monolithic.choose(3 * GiB, DEFAULT_UPLOAD_POLICY);
    expect(monolithic.learn(refused(401), first, 3 * GiB, 0)).toBe(false);
    expect(monolithic.learn(refused(400), first, 3 * GiB, 128 * MiB)).toBe(false);
    expect(monolithic.learn(refused(405), first, 3 * GiB, 0)).toBe(true);
    expect(monolithic.choose(3 * GiB, DEFAULT_UPLOAD_POLICY)).toEqual({ mode: "whole" });
    expect(monolithic.learn(refused(413), { mode: "whole" }, 3 * GiB, 0)).toBe(false);
  });
});
