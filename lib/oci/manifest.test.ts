import { describe, expect, it } from "vitest";
import { digestOf } from "./digest";
import { ManifestError } from "./errors";
import { blobsOf, parseManifest } from "./manifest";
import { MediaType } from "./media-types";

const d = (text: string) => digestOf(Buffer.from(text));
const ctx = { what: "manifest x", side: "source" as const };
const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const image = (mediaType?: string) => ({
  schemaVersion: 2,
  ...(mediaType ? { mediaType } : {}),
  config: { mediaType: MediaType.dockerConfig, digest: d("c"), size: 1 },
  layers: [
    { mediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip", digest: d("l1"), size: 10 },
    { mediaType: MediaType.dockerForeignLayer, digest: d("win"), size: 99, urls: ["https://mcr.microsoft.com/x"] },
    { mediaType: "application/vnd.docker.image.rootfs.diff.tar.gzip", digest: d("l1"), size: 10 },
  ],
});

describe("parseManifest", () => {
  it("reads Docker v2 schema 2 and skips foreign layers among its blobs", () => {
    const manifest = parseManifest(json(image(MediaType.dockerManifest)), MediaType.dockerManifest, ctx);
    expect(manifest.kind).toBe("image");
    if (manifest.kind !== "image") return;
    expect(blobsOf(manifest).map((b) => b.digest)).toEqual([d("c"), d("l1")]);
  });

  it("reads OCI indexes and Docker lists with platforms, and infers a missing mediaType", () => {
    const index = {
      schemaVersion: 2,
      manifests: [
        {
          mediaType: MediaType.ociManifest,
          digest: d("m"),
          size: 5,
          platform: { os: "linux", architecture: "arm64", variant: "v8" },
        },
      ],
    };
    const parsed = parseManifest(json(index), "application/vnd.oci.image.index.v1+json; charset=utf-8", ctx);
    expect(parsed).toMatchObject({
      kind: "index",
      mediaType: MediaType.ociIndex,
      manifests: [{ platform: { os: "linux", architecture: "arm64", variant: "v8" } }],
    });
    expect(parseManifest(json(image()), undefined, ctx).mediaType).toBe(MediaType.ociManifest);
    expect(parseManifest(json({ ...index, mediaType: MediaType.dockerManifestList }), undefined, ctx).kind).toBe(
      "index",
    );
  });

  it("keeps subject and artifactType of referrers", () => {
    const referrer = {
      ...image(MediaType.ociManifest),
      artifactType: "application/vnd.dev.sigstore.bundle+json",
      subject: { mediaType: MediaType.ociManifest, digest: d("s"), size: 3 },
    };
    expect(parseManifest(json(referrer), MediaType.ociManifest, ctx)).toMatchObject({
      artifactType: "application/vnd.dev.sigstore.bundle+json",
      subject: { digest: d("s") },
    });
  });

  it.each([
    ["not JSON", Buffer.from("{nope"), "MANIFEST_INVALID", /is not JSON/],
    [
      "schema 1",
      json({ schemaVersion: 1, fsLayers: [] }),
      "MANIFEST_UNSUPPORTED",
      /schema 1 manifest: schema 1 is not supported; re-push it as schema 2/,
    ],
    [
      "an unknown type",
      json({ schemaVersion: 2, mediaType: "application/x-weird" }),
      "MANIFEST_UNSUPPORTED",
      /"application\/x-weird"/,
    ],
    [
      "a bad digest",
      json({ ...image(MediaType.ociManifest), config: { mediaType: "x", digest: "sha256:1", size: 1 } }),
      "MANIFEST_INVALID",
      /config.digest/,
    ],
    [
      "a negative size",
      json({ ...image(MediaType.ociManifest), layers: [{ mediaType: "x", digest: d("a"), size: -1 }] }),
      "MANIFEST_INVALID",
      /layers\[0\].size/,
    ],
    [
      "a type disagreement",
      json(image(MediaType.ociManifest)),
      "MANIFEST_INVALID",
      /served as application\/vnd.oci.image.index.v1\+json/,
    ],
  ])("refuses %s", (_name, bytes, code, message) => {
    const type = _name === "a type disagreement" ? MediaType.ociIndex : undefined;
    let error: unknown;
    try {
      parseManifest(bytes, type, ctx);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ManifestError);
    expect(error).toMatchObject({ code, kind: "denied", side: "source" });
    expect((error as Error).message).toMatch(message);
  });
});
