import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeBuiltImages, seedImage, skopeoInspectDigest } from "@/test/fixtures/oci-image";
import { startProviderStandIn, type RunningProviderStandIn } from "@/test/fixtures/provider-stand-in";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";
import { copyImages } from "./copy-images";
import type { PushedImage } from "./copy-types";
import { RegistryClient } from "./registry-client";

const MiB = 1024 * 1024;
const CHUNK = 8 * MiB;
let source: RunningRegistry;
let target: RunningRegistry;
let standIn: RunningProviderStandIn;

beforeAll(async () => {
  [source, target] = await Promise.all([startRegistry(), startRegistry()]);
  standIn = await startProviderStandIn(target, { provider: "ecr" });
});
afterAll(async () => {
  await standIn?.stop();
  await Promise.all([source?.stop(), target?.stop()]);
  await removeBuiltImages();
});

describe("resuming a cut upload", () => {
  it("continues a chunked upload where the target has it: the retry sends the remainder, not the blob", async () => {
    const built = await seedImage(source, "vendor/big", "1", { layers: [{ size: 48 * MiB, seed: "resume-big" }] });
    const layer = built.blobs.find((b) => b.size > 40 * MiB)!;
    const src = new RegistryClient({ registry: source.host, insecure: true, side: "source" });
    const dst = new RegistryClient({
      registry: standIn.host,
      insecure: true,
      side: "target",
      retry: { baseDelayMs: 10 },
      upload: { chunks: "yes" },
    });
    // Three chunks (24 MiB) stored, then the link breaks 3 MiB into the fourth.
    standIn.cutPatch({ after: 3, bytes: 3 * MiB });
    const progress: number[] = [];
    const result = await copyImages({
      source: src,
      target: dst,
      items: [{ source: `${source.host}/vendor/big:1`, target: `${standIn.host}/team/big:1` }],
      upload: { chunkedAboveBytes: MiB, chunkBytes: CHUNK },
      onProgress: (e) => {
        if (e.type === "blob" && e.digest === layer.digest) progress.push(e.bytesDone);
      },
    });
    await Promise.all([src.close(), dst.close()]);
    expect(result.images[0]).toMatchObject({ status: "pushed", blobs: { uploaded: 2 } });
    expect((result.images[0] as PushedImage).digest).toBe(built.manifestDigest);
    expect(await skopeoInspectDigest(`${target.host}/team/big:1`)).toBe(built.manifestDigest);

    const patches = standIn.requests.filter((r) => r.method === "PATCH");
    const cutAt = patches.findIndex((r) => r.status === 0);
    expect(cutAt).toBe(3);
    const afterCut = patches.slice(cutAt + 1).reduce((sum, r) => sum + r.bytesIn, 0);
    // The remainder after the three stored chunks, give or take nothing: not the 48 MiB again.
    expect(afterCut).toBe(layer.size - 3 * CHUNK);
    // Asked where to continue, once.
    expect(standIn.requests.filter((r) => r.method === "GET" && r.path.includes("/blobs/uploads/"))).toHaveLength(1);
    expect(progress.every((bytes, i) => i === 0 || bytes >= progress[i - 1]!)).toBe(true);
  });
});
