import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeBuiltImages, seedImage, type BuiltImage } from "@/test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";
import { copyImages } from "./copy-images";
import { digestOf } from "./digest";
import { MediaType } from "./media-types";
import { fallbackTag, listReferrers } from "./referrers";
import { RegistryClient } from "./registry-client";
import { startUpload, withDigest } from "./remote-blob";
import { fetchManifest, headManifest, putManifest, scopesFor } from "./remote-manifest";

const SIGNATURE_TYPE = "application/vnd.dev.cosign.simplesigning.v1+json";
let source: RunningRegistry;
let target: RunningRegistry;
let src: RegistryClient;
let dst: RegistryClient;
let built: BuiltImage;
let signature: { digest: string; size: number; bytes: Buffer };

beforeAll(async () => {
  [source, target] = await Promise.all([startRegistry(), startRegistry()]);
  src = new RegistryClient({ registry: source.host, insecure: true, side: "source" });
  dst = new RegistryClient({ registry: target.host, insecure: true, side: "target" });
  built = await seedImage(source, "vendor/signed", "1", { layers: [{ size: 3000 }] });
  signature = await pushSignature(src, "vendor/signed", {
    mediaType: built.mediaType,
    digest: built.manifestDigest,
    size: 0,
  });
});
afterAll(async () => {
  await Promise.all([src?.close(), dst?.close()]);
  await Promise.all([source?.stop(), target?.stop()]);
  await removeBuiltImages();
});

describe("referrers", () => {
  it("lists a registry's referrers through the tag-schema fallback when it lacks the API", async () => {
    const listed = await listReferrers({ client: src, repository: "vendor/signed", digest: built.manifestDigest });
    expect(listed).toEqual({
      via: "tag",
      descriptors: [expect.objectContaining({ digest: signature.digest, artifactType: SIGNATURE_TYPE })],
    });
    expect(
      (
        await listReferrers({
          client: src,
          repository: "vendor/signed",
          digest: built.manifestDigest,
          artifactType: "x/y",
        })
      ).descriptors,
    ).toEqual([]);
  });

  it("copies signatures with the image on request, and writes the fallback index on the target", async () => {
    const items = [{ source: `${source.host}/vendor/signed:1`, target: `${target.host}/team/signed:1` }];
    const plain = await copyImages({ source: src, target: dst, items });
    expect(plain.images[0]).toMatchObject({ status: "pushed", referrersCopied: 0 });
    expect(await headManifest({ client: dst, repository: "team/signed", reference: signature.digest })).toBeUndefined();

    const withReferrers = await copyImages({ source: src, target: dst, items, referrers: true });
    expect(withReferrers.images[0]).toMatchObject({ status: "pushed", upToDate: true, referrersCopied: 1 });
    const copied = await fetchManifest({ client: dst, repository: "team/signed", reference: signature.digest });
    expect(copied.bytes).toEqual(signature.bytes);
    const listed = await listReferrers({ client: dst, repository: "team/signed", digest: built.manifestDigest });
    expect(listed.descriptors.map((d) => d.digest)).toEqual([signature.digest]);
  });

  it("uses the OCI 1.1 referrers API where the registry has it", async () => {
    const index = {
      schemaVersion: 2,
      mediaType: MediaType.ociIndex,
      manifests: [
        {
          mediaType: MediaType.ociManifest,
          digest: signature.digest,
          size: signature.size,
          artifactType: SIGNATURE_TYPE,
        },
      ],
    };
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      seen.push(req.url ?? "");
      if (req.url === "/v2/") return res.writeHead(200).end("{}");
      if (req.url?.startsWith(`/v2/app/referrers/${built.manifestDigest}`)) {
        return res.writeHead(200, { "content-type": MediaType.ociIndex }).end(JSON.stringify(index));
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const client = new RegistryClient({
      registry: `127.0.0.1:${(server.address() as AddressInfo).port}`,
      insecure: true,
    });
    try {
      const listed = await listReferrers({
        client,
        repository: "app",
        digest: built.manifestDigest,
        artifactType: SIGNATURE_TYPE,
      });
      expect(listed).toEqual({ via: "api", descriptors: [expect.objectContaining({ digest: signature.digest })] });
      expect(seen).toContain(
        `/v2/app/referrers/${built.manifestDigest}?artifactType=${encodeURIComponent(SIGNATURE_TYPE)}`,
      );
    } finally {
      await client.close();
      server.close();
    }
  });
});

/** A cosign-style signature: an OCI manifest with a subject, its blobs, and the fallback tag. */
async function pushSignature(
  client: RegistryClient,
  repository: string,
  subject: { mediaType: string; digest: string; size: number },
) {
  subject.size = (await fetchManifest({ client, repository, reference: subject.digest })).bytes.length;
  const empty = Buffer.from("{}");
  const payload = Buffer.from(JSON.stringify({ critical: { image: { "docker-manifest-digest": subject.digest } } }));
  await Promise.all([pushBlob(client, repository, empty), pushBlob(client, repository, payload)]);
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      artifactType: SIGNATURE_TYPE,
      config: { mediaType: MediaType.ociEmpty, digest: digestOf(empty), size: empty.length },
      layers: [{ mediaType: SIGNATURE_TYPE, digest: digestOf(payload), size: payload.length }],
      subject,
    }),
  );
  const digest = digestOf(bytes);
  await putManifest({ client, repository, reference: digest, bytes, mediaType: MediaType.ociManifest });
  const fallback = {
    schemaVersion: 2,
    mediaType: MediaType.ociIndex,
    manifests: [{ mediaType: MediaType.ociManifest, digest, size: bytes.length, artifactType: SIGNATURE_TYPE }],
  };
  await putManifest({
    client,
    repository,
    reference: fallbackTag(subject.digest),
    bytes: Buffer.from(JSON.stringify(fallback)),
    mediaType: MediaType.ociIndex,
  });
  return { digest, size: bytes.length, bytes };
}

async function pushBlob(client: RegistryClient, repository: string, bytes: Buffer) {
  const session = await startUpload({ client, repository }, digestOf(bytes));
  if (session.mounted) return;
  const response = await client.request({
    method: "PUT",
    url: withDigest(session.location, digestOf(bytes)),
    scopes: scopesFor(repository, true),
    ok: [201],
    headers: { "content-type": "application/octet-stream" },
    body: bytes,
  });
  await response.body.dump();
}
