import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256Digest } from "@/test/fixtures/hostile-manifests";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";
import { signedSchema1Manifest } from "@/test/fixtures/schema1-manifest";
import { copyImages } from "./copy-images";
import type { FailedImage } from "./copy-types";
import { MediaType } from "./media-types";
import { RegistryClient } from "./registry-client";

// A schema 1 manifest as a real registry serves it: pushed signed into distribution 2.8, which
// checks the signature and names it by the digest of the payload without its signatures.
let registry: RunningRegistry;
let client: RegistryClient;
let pushedDigest: string;
let signed: ReturnType<typeof signedSchema1Manifest>;

beforeAll(async () => {
  registry = await startRegistry({ schema1: true });
  const layer = randomBytes(1000);
  const layerDigest = sha256Digest(layer);
  const session = await fetch(`${registry.url}/v2/legacy/busybox/blobs/uploads/`, { method: "POST" });
  const location = new URL(session.headers.get("location")!, registry.url);
  location.searchParams.set("digest", layerDigest);
  const upload = await fetch(location, { method: "PUT", body: new Uint8Array(layer) });
  expect(upload.status).toBe(201);
  const manifest = signedSchema1Manifest({ name: "legacy/busybox", tag: "1.23", layers: [layerDigest] });
  signed = manifest;
  const put = await fetch(`${registry.url}/v2/legacy/busybox/manifests/1.23`, {
    method: "PUT",
    headers: { "content-type": MediaType.dockerSchema1Signed },
    body: new Uint8Array(manifest.body),
  });
  expect(put.status, await put.text()).toBe(201);
  pushedDigest = put.headers.get("docker-content-digest")!;
  client = new RegistryClient({ registry: registry.host, insecure: true, retry: { attempts: 1 } });
}, 60_000);
afterAll(async () => {
  await client?.close();
  await registry?.stop();
});

describe("a signed schema 1 manifest from a real registry", () => {
  it("is named by its payload digest, which is not the digest of the bytes served", () => {
    expect(pushedDigest).toBe(signed.payloadDigest);
    expect(sha256Digest(signed.body)).not.toBe(pushedDigest);
  });

  it.each([
    ["its tag", "1.23"],
    ["its digest", () => pushedDigest],
  ])("copied by %s: refused as schema 1, not as a digest mismatch", async (_, reference) => {
    const ref = typeof reference === "function" ? reference() : reference;
    const result = await copyImages({
      source: client,
      target: client,
      items: [
        {
          source: `${registry.host}/legacy/busybox${ref.startsWith("sha256:") ? "@" : ":"}${ref}`,
          target: `${registry.host}/copy/busybox:1.23`,
        },
      ],
    });
    const failed = result.images[0] as FailedImage;
    expect(failed).toMatchObject({ status: "failed", kind: "denied", code: "MANIFEST_UNSUPPORTED" });
    expect(failed.message).toMatch(/schema 1 is not supported; re-push it as schema 2/);
  });
});
