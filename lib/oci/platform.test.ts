import { describe, expect, it } from "vitest";
import { digestOf } from "./digest";
import { parseManifest, type IndexManifest } from "./manifest";
import { MediaType } from "./media-types";
import { filterIndex, parsePlatform, platformMatches } from "./platform";

const d = (text: string) => digestOf(Buffer.from(text));
const raw = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaType.ociIndex,
    annotations: { "org.opencontainers.image.version": "1.2" },
    manifests: [
      {
        mediaType: MediaType.ociManifest,
        digest: d("amd"),
        size: 10,
        platform: { os: "linux", architecture: "amd64" },
      },
      {
        mediaType: MediaType.ociManifest,
        digest: d("arm"),
        size: 11,
        platform: { os: "linux", architecture: "arm64", variant: "v8" },
      },
      {
        mediaType: MediaType.ociManifest,
        digest: d("att"),
        size: 12,
        platform: { os: "unknown", architecture: "unknown" },
        annotations: { "vnd.docker.reference.type": "attestation-manifest", "vnd.docker.reference.digest": d("amd") },
      },
    ],
  }),
);
const index = parseManifest(raw, undefined, { what: "index" }) as IndexManifest;

describe("platforms", () => {
  it("parses and matches os/arch[/variant]", () => {
    expect(parsePlatform("linux/arm64/v8")).toEqual({ os: "linux", architecture: "arm64", variant: "v8" });
    expect(() => parsePlatform("linux")).toThrow(/expected OS\/ARCH/);
    expect(platformMatches({ os: "linux", architecture: "arm64", variant: "v8" }, parsePlatform("linux/arm64"))).toBe(
      true,
    );
    expect(platformMatches({ os: "linux", architecture: "arm64" }, parsePlatform("linux/arm64/v8"))).toBe(false);
  });

  it("filters an index, keeping its other fields and the attestations of kept images", () => {
    const filtered = filterIndex(raw, index, [parsePlatform("linux/amd64")], "index");
    expect(filtered.kept.map((k) => k.digest)).toEqual([d("amd"), d("att")]);
    const value = JSON.parse(filtered.bytes.toString()) as { annotations: unknown; manifests: unknown[] };
    expect(value.annotations).toEqual({ "org.opencontainers.image.version": "1.2" });
    expect(value.manifests).toHaveLength(2);
    expect(filtered.digest).toBe(digestOf(filtered.bytes));
    expect(filtered.digest).not.toBe(digestOf(raw));
  });

  it("says which platforms exist when none matches", () => {
    expect(() => filterIndex(raw, index, [parsePlatform("linux/s390x")], "index")).toThrow(
      "index has no manifest for linux/s390x; it offers linux/amd64, linux/arm64/v8, unknown/unknown",
    );
  });
});
