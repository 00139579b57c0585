import type { CosignArtifact } from "../cosign-tags";
import type { Digest } from "../digest";
import { isDigest } from "../digest";
import { OciError, type FailureKind } from "../errors";
import type { Descriptor } from "../manifest";

/** Entry names of a bundle: an OCI image layout, plus Gantry's manifest, its signature and a checksum list. */
export const BundlePath = {
  layout: "oci-layout",
  index: "index.json",
  manifest: "gantry-bundle.json",
  signature: "gantry-bundle.json.sig",
  checksums: "checksums.sha256",
  blobsDir: "blobs/",
  sha256Dir: "blobs/sha256/",
} as const;

export const REF_NAME = "org.opencontainers.image.ref.name";
export const BUNDLE_MEDIA_TYPE = "application/vnd.gantry.bundle.v1+json";
/** On a cosign tag's index.json entry: the component it belongs to. */
export const COMPONENT_ANNOTATION = "dev.gantry.bundle.component";
export const OCI_LAYOUT = { imageLayoutVersion: "1.0.0" };

export function blobPath(digest: Digest): string {
  return `blobs/${digest.replace(":", "/")}`;
}

/** A component's referrer (signature, SBOM, attestation) and the manifest it points at. */
export interface BundleReferrer extends Descriptor {
  subject: Digest;
}

/**
 * One of a component's cosign tags (`sha256-<hex>.sig`, `.att`, `.sbom`) and its manifest, named
 * in index.json `<repository>:<tag>` so `skopeo copy oci-archive:FILE:<that>` reads it too.
 */
export interface BundleCosignTag extends CosignArtifact {
  mediaType: string;
  size: number;
}

export function cosignTagName(component: BundleComponent, tag: string): string {
  return `${component.name.slice(0, component.name.lastIndexOf(":"))}:${tag}`;
}

export interface BundleComponent {
  /** `vendor/api:1.2`: the index.json ref.name, and what import maps under a DST prefix. */
  name: string;
  /** The reference it was exported from. */
  source: string;
  digest: Digest;
  mediaType: string;
  /** Manifest bytes plus distinct blob bytes. */
  size: number;
  referrers: BundleReferrer[];
  /** Absent in bundles written before cosign tags were carried. */
  cosignTags?: BundleCosignTag[];
}

/** gantry-bundle.json: what the bundle is, where it came from, and what it builds on. */
export interface GantryManifest {
  mediaType: typeof BUNDLE_MEDIA_TYPE;
  gantryVersion: string;
  createdAt: string;
  product: string | null;
  channel: string | null;
  release: string | null;
  components: BundleComponent[];
  /** Blobs in this file. */
  blobs: { count: number; bytes: number };
  /** A differential bundle: the bundle it builds on, and the blobs left out because that one carried them. */
  base: { manifestDigest: Digest; release: string | null; createdAt: string } | null;
  omitted: { digest: Digest; size: number }[];
}

/** A bundle that is damaged or not a bundle; `kind` digest_mismatch when bytes fail their digest. */
export class BundleError extends OciError {
  override name = "BundleError";
  constructor(message: string, kind: FailureKind | "invalid" = "invalid") {
    super(message, { kind, code: kind === "digest_mismatch" ? "DIGEST_INVALID" : "BUNDLE_INVALID" });
  }
}

/** Parses gantry-bundle.json, naming the first field that is wrong. */
export function parseGantryManifest(bytes: Buffer): GantryManifest {
  const wrong = (why: string) => new BundleError(`${BundlePath.manifest}: ${why}`);
  let value: Partial<GantryManifest>;
  try {
    value = JSON.parse(bytes.toString("utf8")) as Partial<GantryManifest>;
  } catch {
    throw wrong("not JSON");
  }
  if (value.mediaType !== BUNDLE_MEDIA_TYPE) throw wrong(`mediaType is not ${BUNDLE_MEDIA_TYPE}`);
  if (!Array.isArray(value.components) || value.components.length === 0) throw wrong("no components");
  value.components.forEach((c, i) => {
    if (typeof c?.name !== "string" || !isDigest(c.digest ?? "") || typeof c.mediaType !== "string")
      throw wrong(`components[${i}] needs name, digest and mediaType`);
    if (!Array.isArray(c.referrers)) throw wrong(`components[${i}].referrers is not a list`);
    if (c.cosignTags !== undefined && !Array.isArray(c.cosignTags))
      throw wrong(`components[${i}].cosignTags is not a list`);
  });
  if (!Array.isArray(value.omitted) || value.omitted.some((o) => !isDigest(o?.digest ?? "")))
    throw wrong("omitted must list digests");
  if (typeof value.createdAt !== "string") throw wrong("createdAt is missing");
  return value as GantryManifest;
}
