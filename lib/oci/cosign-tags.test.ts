import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushCosignArtifacts } from "@/test/fixtures/cosign-artifacts";
import {
  removeBuiltImages,
  seedImage,
  skopeoInspectDigest,
  skopeoListTags,
  type BuiltImage,
} from "@/test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";
import { copyImages } from "./copy-images";
import type { PushedImage } from "./copy-types";
import { describeCosignArtifacts } from "./cosign-summary";
import { findCosignArtifacts } from "./cosign-tags";
import { RegistryClient } from "./registry-client";

let source: RunningRegistry;
let target: RunningRegistry;
let src: RegistryClient;
let dst: RegistryClient;
let built: BuiltImage;
let artifacts: Record<string, string>;

beforeAll(async () => {
  [source, target] = await Promise.all([startRegistry(), startRegistry()]);
  src = new RegistryClient({ registry: source.host, insecure: true, side: "source" });
  dst = new RegistryClient({ registry: target.host, insecure: true, side: "target" });
  built = await seedImage(source, "vendor/api", "1.0", { layers: [{ size: 4000 }] });
  artifacts = await pushCosignArtifacts(source, "vendor/api", built.manifestDigest, {
    signatures: 2,
    attestations: 1,
    sbom: true,
  });
}, 60_000);
afterAll(async () => {
  await Promise.all([src?.close(), dst?.close()]);
  await Promise.all([source?.stop(), target?.stop()]);
  await removeBuiltImages();
});

describe("cosign's tag scheme", () => {
  it("finds the .sig, .att and .sbom tags of an image and counts what they hold", async () => {
    const found = await findCosignArtifacts({
      client: src,
      repository: "vendor/api",
      subjects: [built.manifestDigest],
    });
    expect(Object.fromEntries(found.map((f) => [f.tag, f.digest]))).toEqual(artifacts);
    expect(describeCosignArtifacts(found)).toBe("2 signatures, 1 attestation, 1 SBOM");
  });

  it("copies them with the image, exact digests (checked with skopeo); not without referrers", async () => {
    const items = [{ source: `${source.host}/vendor/api:1.0`, target: `${target.host}/team/api:1.0` }];
    const plain = await copyImages({ source: src, target: dst, items });
    expect(plain.images[0]).toMatchObject({ status: "pushed", cosignTags: [] });
    expect(await skopeoListTags(`${target.host}/team/api`, { tlsVerify: false })).toEqual(["1.0"]);

    const signed = await copyImages({ source: src, target: dst, items, referrers: true });
    const image = signed.images[0] as PushedImage;
    expect(image).toMatchObject({ status: "pushed", upToDate: true });
    expect(image.cosignTags.map((t) => t.tag).sort()).toEqual(Object.keys(artifacts).sort());
    const tags = await skopeoListTags(`${target.host}/team/api`, { tlsVerify: false });
    expect(tags.sort()).toEqual(["1.0", ...Object.keys(artifacts)].sort());
    for (const [tag, digest] of Object.entries(artifacts)) {
      expect(await skopeoInspectDigest(`${target.host}/team/api:${tag}`, { tlsVerify: false })).toBe(digest);
    }
  });
});
