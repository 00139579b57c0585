import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { ImageProgressEvent } from "@/lib/oci/progress";
import { jsonLinesRenderer, resultLine, terminalRenderer } from "./render-progress";

const event = (bytesDone: number, state: ImageProgressEvent["state"] = "transferring"): ImageProgressEvent => ({
  type: "image",
  imageIndex: 0,
  source: "src/api:1",
  target: "r.io/team/api:1",
  state,
  bytesDone,
  bytesTotal: 100_000_000,
  blobsDone: 0,
  blobsTotal: 3,
});

function capture() {
  const out = new PassThrough();
  let text = "";
  out.on("data", (c: Buffer) => (text += c.toString()));
  return { out, text: () => text };
}

describe("progress renderers", () => {
  it("draws a bar per image with bytes, rate and ETA, redrawn in place", () => {
    let now = 0;
    const { out, text } = capture();
    const renderer = terminalRenderer(out, () => now);
    renderer.onProgress(event(0));
    now = 1000;
    renderer.onProgress(event(20_000_000));
    expect(text()).toContain("\x1b[1F");
    expect(text()).toMatch(/r\.io\/team\/api:1 +█{5}░{19}  20%  20 MB \/ 100 MB  20 MB\/s  ETA 4s/);
  });

  it("shows mounted bytes as mounted, not as transfer speed", () => {
    let now = 0;
    const { out, text } = capture();
    const renderer = terminalRenderer(out, () => now);
    renderer.onProgress(event(0, "checking"));
    now = 1000;
    renderer.onProgress({
      type: "blob",
      imageIndex: 0,
      digest: `sha256:${"a".repeat(64)}`,
      state: "mounted",
      bytesDone: 50_000_000,
      bytesTotal: 50_000_000,
    });
    renderer.onProgress(event(50_000_000));
    const last = text().split("\n").filter(Boolean).at(-1)!;
    expect(last).toMatch(/50 MB \/ 100 MB  transferring  \(50 MB mounted\)$/);
    expect(last).not.toMatch(/MB\/s/);
  });

  it("names the --insecure flag where the copy engine asks to mark a registry insecure", () => {
    const line = resultLine({
      imageIndex: 0,
      source: "s",
      target: "127.0.0.1:5000/team/api:1",
      status: "failed",
      kind: "network",
      retryable: false,
      message: "target 127.0.0.1:5000 does not speak HTTPS on /v2/; if it is a plain-HTTP registry, mark it insecure",
    } as Parameters<typeof resultLine>[0]);
    expect(line).toContain("if it is a plain-HTTP registry, pass --insecure (or --src-insecure / --dest-insecure");
  });

  it("writes JSON lines for events and results", () => {
    const { out, text } = capture();
    const renderer = jsonLinesRenderer(out);
    renderer.onProgress(event(5));
    renderer.finish([{ imageIndex: 0, source: "s", target: "t", status: "stopped" }]);
    expect(
      text()
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).type),
    ).toEqual(["image", "result"]);
  });

  it("leaves a pushed image's manifest bytes out of its JSON result, digest and media type kept", () => {
    const { out, text } = capture();
    const digest = `sha256:${"a".repeat(64)}`;
    jsonLinesRenderer(out).finish([
      {
        imageIndex: 0,
        source: "s",
        target: "t",
        status: "pushed",
        digest,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        manifestBytes: Buffer.from('{"schemaVersion":2}'),
        sourceDigest: digest,
        platformFiltered: false,
        upToDate: false,
        blobs: { present: 0, mounted: 0, uploaded: 2 },
        bytesTransferred: 10,
        referrersCopied: 0,
        cosignTags: [],
      },
    ]);
    const result = JSON.parse(text().trim()) as Record<string, unknown>;
    expect(result).toMatchObject({ type: "result", status: "pushed", digest });
    expect(result).not.toHaveProperty("manifestBytes");
  });
});
