import { digestOf, type Digest } from "./digest";
import { OciError } from "./errors";
import type { Descriptor, IndexManifest, Platform } from "./manifest";
import { Annotation } from "./media-types";

const PLATFORM = /^([a-z0-9_.-]+)\/([a-z0-9_.-]+)(?:\/([a-z0-9_.-]+))?$/i;

/** `os/arch[/variant]`, e.g. `linux/arm64/v8`. */
export function parsePlatform(text: string): Platform {
  const match = PLATFORM.exec(text.trim());
  if (!match) {
    throw new OciError(
      `invalid platform ${JSON.stringify(text)}: expected OS/ARCH or OS/ARCH/VARIANT, e.g. linux/amd64`,
      {
        kind: "invalid",
        code: "PLATFORM_INVALID",
      },
    );
  }
  return {
    os: match[1]!.toLowerCase(),
    architecture: match[2]!.toLowerCase(),
    ...(match[3] ? { variant: match[3].toLowerCase() } : {}),
  };
}

export function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join("/");
}

/** A wanted platform without a variant accepts any variant; `os.version` is not compared. */
export function platformMatches(actual: Platform | undefined, wanted: Platform): boolean {
  if (!actual) return false;
  if (actual.os !== wanted.os || actual.architecture !== wanted.architecture) return false;
  return !wanted.variant || actual.variant === wanted.variant;
}

export interface FilteredIndex {
  bytes: Buffer;
  digest: Digest;
  kept: Descriptor[];
}

/**
 * A new index holding only the children for `wanted` (plus buildx attestation manifests
 * that describe them). Other fields of the original stay as they were; the digest changes.
 */
export function filterIndex(bytes: Buffer, index: IndexManifest, wanted: Platform[], what: string): FilteredIndex {
  const images = index.manifests.filter((d) => wanted.some((w) => platformMatches(d.platform, w)));
  if (images.length === 0) {
    const offered = index.manifests.map((d) => (d.platform ? formatPlatform(d.platform) : "(no platform)")).join(", ");
    throw new OciError(
      `${what} has no manifest for ${wanted.map(formatPlatform).join(", ")}; it offers ${offered || "nothing"}`,
      {
        kind: "not_found",
        code: "PLATFORM_UNKNOWN",
      },
    );
  }
  const keptDigests = new Set(images.map((d) => d.digest));
  const keep = (d: Descriptor) =>
    keptDigests.has(d.digest) ||
    (d.annotations?.[Annotation.referenceType] === "attestation-manifest" &&
      keptDigests.has(d.annotations[Annotation.referenceDigest] ?? ""));
  const raw = JSON.parse(bytes.toString("utf8")) as { manifests: { digest: string }[] };
  const keptRaw = raw.manifests.filter((_, i) => keep(index.manifests[i]!));
  const filtered = Buffer.from(JSON.stringify({ ...raw, manifests: keptRaw }));
  return { bytes: filtered, digest: digestOf(filtered), kept: index.manifests.filter(keep) };
}
