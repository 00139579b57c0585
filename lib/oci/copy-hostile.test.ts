import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHeaderRecorder, type RunningHeaderRecorder } from "@/test/fixtures/header-recorder";
import {
  invalidJsonManifest,
  jsonManifest,
  oversizedManifest,
  schema1Manifest,
  selfReferencingIndex,
  sha256Digest,
} from "@/test/fixtures/hostile-manifests";
import {
  startHostileRegistry,
  type BlobBehaviour,
  type RunningHostileRegistry,
} from "@/test/fixtures/hostile-registry";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";
import { basicAuth } from "./auth/authenticator";
import { copyImages } from "./copy-images";
import type { FailedImage } from "./copy-types";
import { MediaType } from "./media-types";
import { RegistryClient } from "./registry-client";
import { headBlob } from "./remote-blob";

const config = Buffer.from(
  JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [] } }),
);
const layer = randomBytes(40_000);
const LAYER = sha256Digest(layer);
const CONFIG = sha256Digest(config);
const image = jsonManifest({
  schemaVersion: 2,
  mediaType: MediaType.ociManifest,
  config: { mediaType: MediaType.ociConfig, digest: CONFIG, size: config.length },
  layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", digest: LAYER, size: layer.length }],
});
const repo = (layerBlob: BlobBehaviour) => ({
  manifests: { "1": image },
  blobs: { [CONFIG]: config, [LAYER]: layerBlob },
});

let hostile: RunningHostileRegistry;
let recorder: RunningHeaderRecorder;
let target: RunningRegistry;
let source: RegistryClient;
let dst: RegistryClient;

beforeAll(async () => {
  [recorder, target] = await Promise.all([startHeaderRecorder({ body: layer }), startRegistry()]);
  hostile = await startHostileRegistry({
    basicAuth: { username: "vendor", password: "vendor-secret-pass" },
    repos: {
      "good/app": repo(layer),
      "bad/digest": repo(Buffer.concat([layer.subarray(0, -1), Buffer.from([layer.at(-1)! ^ 1])])),
      "redirect/app": repo({ redirectTo: `${recorder.url}/storage/blob?X-Amz-Signature=abc` }),
      "metadata/app": repo({ redirectTo: "http://169.254.169.254/latest/meta-data/iam/security-credentials/" }),
      "short/body": repo({ bytes: layer.subarray(0, 10_000), lyingContentLength: layer.length }),
      "long/length": repo({ bytes: layer, lyingContentLength: layer.length + 5 }),
      "huge/manifest": { manifests: { "1": oversizedManifest() } },
      "invalid/json": { manifests: { "1": invalidJsonManifest() } },
      "legacy/app": { manifests: { "1": schema1Manifest() } },
      "self/ref": { manifests: selfReferencingIndex("1") },
    },
  });
  source = new RegistryClient({
    registry: hostile.host,
    side: "source",
    insecure: true,
    auth: basicAuth("vendor", "vendor-secret-pass"),
    retry: { attempts: 2, baseDelayMs: 5 },
  });
  dst = new RegistryClient({ registry: target.host, side: "target", insecure: true });
});
afterAll(async () => {
  await Promise.all([source?.close(), dst?.close()]);
  await Promise.all([hostile?.stop(), recorder?.stop(), target?.stop()]);
});

async function copy(from: string) {
  const result = await copyImages({
    source,
    target: dst,
    items: [{ source: `${hostile.host}/${from}:1`, target: `${target.host}/copy/${from}:1` }],
  });
  return result.images[0]!;
}

describe("a hostile source", () => {
  it("is copied when honest (control)", async () => {
    expect(await copy("good/app")).toMatchObject({ status: "pushed", digest: sha256Digest(image.body) });
  });

  it("serving a blob whose bytes do not match its digest: digest_mismatch, nothing stored", async () => {
    const failed = (await copy("bad/digest")) as FailedImage;
    expect(failed).toMatchObject({ status: "failed", kind: "digest_mismatch", side: "source", retryable: false });
    expect(failed.message).toMatch(new RegExp(`blob ${LAYER} from the source registry has bytes hashing to sha256:`));
    expect(await headBlob({ client: dst, repository: "copy/bad/digest" }, LAYER)).toBeUndefined();
  });

  it("redirecting a blob to another host: followed without the Authorization header", async () => {
    expect(await copy("redirect/app")).toMatchObject({ status: "pushed" });
    expect(recorder.received.length).toBeGreaterThan(0);
    expect(recorder.received.every((r) => r.headers.authorization === undefined)).toBe(true);
    expect(
      hostile.requests
        .filter((r) => r.path.includes("/redirect/app/"))
        .every((r) => r.headers.authorization?.startsWith("Basic ")),
    ).toBe(true);
  });

  it("redirecting a blob to a cloud metadata address: refused, not retried", async () => {
    const failed = (await copy("metadata/app")) as FailedImage;
    expect(failed).toMatchObject({ status: "failed", kind: "network", side: "source", retryable: false });
    expect(failed.message).toMatch(
      /refusing 169\.254\.169\.254: 169\.254\.169\.254 is a cloud metadata service address/,
    );
  });

  it("declaring a length it does not send: a network failure; a length the manifest does not: a mismatch at once", async () => {
    expect(await copy("short/body")).toMatchObject({
      status: "failed",
      kind: "network",
      side: "source",
      retryable: true,
    });
    const long = (await copy("long/length")) as FailedImage;
    expect(long).toMatchObject({ status: "failed", kind: "digest_mismatch" });
    expect(long.message).toMatch(/serves blob .* with 40005 bytes; its manifest says 40000/);
  });

  it.each([
    ["huge/manifest", "too_large", /manifests over 4194304 bytes \(4 MiB\) are refused/],
    ["invalid/json", "denied", /is not a valid manifest: it is not JSON/],
    ["legacy/app", "denied", /Docker schema 1 manifest: schema 1 is not supported; re-push it as schema 2/],
    ["self/ref", "digest_mismatch", /has bytes hashing to sha256:\w+, not sha256:/],
  ])("serving %s: %s", async (from, kind, message) => {
    const failed = (await copy(from)) as FailedImage;
    expect(failed).toMatchObject({ status: "failed", kind, side: "source" });
    expect(failed.message).toMatch(message);
    expect(failed.message).not.toContain("vendor-secret-pass");
  });
});
