import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushCosignArtifacts } from "@/test/fixtures/cosign-artifacts";
import { removeBuiltImages, seedImage, type BuiltImage } from "@/test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";
import { skopeoCopy, skopeoInspectDigest } from "@/test/fixtures/skopeo";
import { digestOf } from "../digest";
import { MediaType } from "../media-types";
import { parseReference } from "../reference";
import { fallbackTag, listReferrers } from "../referrers";
import { RegistryClient } from "../registry-client";
import { startUpload, withDigest } from "../remote-blob";
import { fetchManifest, putManifest, scopesFor } from "../remote-manifest";
import { exportBundle } from "./export-bundle";
import { importBundle } from "./import-bundle";
import { openBundle } from "./read-bundle";
import { verifyBundle } from "./verify-bundle";

const SIGNATURE_TYPE = "application/vnd.dev.cosign.simplesigning.v1+json";
let source: RunningRegistry;
let target: RunningRegistry;
let src: RegistryClient;
let dst: RegistryClient;
let built: BuiltImage;
let dir: string;

beforeAll(async () => {
  [source, target] = await Promise.all([startRegistry(), startRegistry()]);
  src = new RegistryClient({ registry: source.host, insecure: true, side: "source" });
  dst = new RegistryClient({ registry: target.host, insecure: true, side: "target" });
  dir = await mkdtemp(path.join(tmpdir(), "gantry-bundle-referrers-"));
  built = await seedImage(source, "vendor/signed", "1", { layers: [{ size: 3000 }] });
});
afterAll(async () => {
  await Promise.all([src?.close(), dst?.close()]);
  await Promise.all([source?.stop(), target?.stop()]);
  await removeBuiltImages();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("bundles with referrers", () => {
  it("carries an image's signature across, listed on the target as a referrer of the same digest", async () => {
    const signature = await pushSignature(src, "vendor/signed", built.manifestDigest);
    const output = path.join(dir, "signed.tar");
    const exported = await exportBundle({
      source: src,
      items: [parseReference(`${source.host}/vendor/signed:1`)],
      referrers: true,
      output,
      info: { gantryVersion: "test" },
    });
    expect(exported.manifest.components[0]!.referrers).toEqual([
      expect.objectContaining({ digest: signature, subject: built.manifestDigest, artifactType: SIGNATURE_TYPE }),
    ]);
    const bundle = await openBundle(output);
    const result = await importBundle({
      bundle,
      target: dst,
      targets: [{ name: "vendor/signed:1", target: parseReference(`${target.host}/team/signed:1`) }],
    });
    expect(result.images).toEqual([expect.objectContaining({ status: "pushed", referrersCopied: 1 })]);
    const listed = await listReferrers({ client: dst, repository: "team/signed", digest: built.manifestDigest });
    expect(listed.descriptors.map((d) => d.digest)).toEqual([signature]);
  });

  it("carries an image's cosign .sig tag across, tagged on the target with the same manifest digest", async () => {
    const image = await seedImage(source, "vendor/cosigned", "1", { layers: [{ size: 2000 }] });
    const tag = `${image.manifestDigest.replace(":", "-")}.sig`;
    const { [tag]: sigDigest } = await pushCosignArtifacts(source, "vendor/cosigned", image.manifestDigest, {
      signatures: 2,
    });
    const output = path.join(dir, "cosigned.tar");
    const exported = await exportBundle({
      source: src,
      items: [parseReference(`${source.host}/vendor/cosigned:1`)],
      referrers: true,
      output,
      info: { gantryVersion: "test" },
    });
    expect(exported.manifest.components[0]!.cosignTags).toEqual([
      expect.objectContaining({ kind: "signature", tag, digest: sigDigest, subject: image.manifestDigest, count: 2 }),
    ]);
    expect(await verifyBundle(output)).toMatchObject({ ok: true, problems: [] });
    // Standard on the outside: the tag is an index.json ref.name skopeo can read.
    await skopeoCopy(`oci-archive:${output}:vendor/cosigned:${tag}`, `${target.host}/skopeo/cosigned:sig`);
    expect(await skopeoInspectDigest(`${target.host}/skopeo/cosigned:sig`)).toBe(sigDigest);

    const result = await importBundle({
      bundle: await openBundle(output),
      target: dst,
      targets: [{ name: "vendor/cosigned:1", target: parseReference(`${target.host}/team/cosigned:1`) }],
    });
    expect(result.images).toEqual([
      expect.objectContaining({ status: "pushed", cosignTags: [expect.objectContaining({ tag, digest: sigDigest })] }),
    ]);
    expect(await skopeoInspectDigest(`${target.host}/team/cosigned:${tag}`)).toBe(sigDigest);
  });
});

/** A cosign-style signature manifest pointing at `subject`, listed in the tag-schema fallback index. */
async function pushSignature(client: RegistryClient, repository: string, subjectDigest: string): Promise<string> {
  const subject = await fetchManifest({ client, repository, reference: subjectDigest });
  const empty = Buffer.from("{}");
  const payload = Buffer.from(JSON.stringify({ critical: { image: { "docker-manifest-digest": subjectDigest } } }));
  await pushBlob(client, repository, empty);
  await pushBlob(client, repository, payload);
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      artifactType: SIGNATURE_TYPE,
      config: { mediaType: MediaType.ociEmpty, digest: digestOf(empty), size: empty.length },
      layers: [{ mediaType: SIGNATURE_TYPE, digest: digestOf(payload), size: payload.length }],
      subject: { mediaType: subject.mediaType, digest: subjectDigest, size: subject.bytes.length },
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
    reference: fallbackTag(subjectDigest),
    bytes: Buffer.from(JSON.stringify(fallback)),
    mediaType: MediaType.ociIndex,
  });
  return digest;
}

async function pushBlob(client: RegistryClient, repository: string, bytes: Buffer): Promise<void> {
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
