import { isDigest, type Digest } from "./digest";
import { ManifestError, type Side } from "./errors";
import { IMAGE_MANIFEST_TYPES, INDEX_TYPES, MediaType, NONDISTRIBUTABLE_TYPES, SCHEMA1_TYPES } from "./media-types";

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
  "os.version"?: string;
}

export interface Descriptor {
  mediaType: string;
  digest: Digest;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
  artifactType?: string;
  urls?: string[];
}

export interface ImageManifest {
  kind: "image";
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  artifactType?: string;
  annotations?: Record<string, string>;
}

export interface IndexManifest {
  kind: "index";
  mediaType: string;
  manifests: Descriptor[];
  subject?: Descriptor;
  artifactType?: string;
  annotations?: Record<string, string>;
}

export type Manifest = ImageManifest | IndexManifest;

/**
 * Reads manifest bytes as a Docker v2 schema 2 manifest or list, or an OCI manifest or
 * index; refuses schema 1 and anything else with a message saying so. The bytes are never
 * re-serialised by callers: copies push exactly what was read, so digests hold.
 */
/**
 * Refuses a manifest served as schema 1. Checked before its digest: a registry names a signed
 * schema 1 manifest by its payload without the signatures, so the served bytes never hash to
 * that name, and a digest check first would blame tampering for an old format.
 */
export function refuseSchema1(contentType: string | undefined, context: { side?: Side; what: string }): void {
  const headerType = contentType?.split(";")[0]?.trim().toLowerCase();
  if (SCHEMA1_TYPES.includes(headerType ?? "")) throw schema1Error(context);
}

function schema1Error(context: { side?: Side; what: string }): ManifestError {
  return new ManifestError(
    `${context.what} is a Docker schema 1 manifest: schema 1 is not supported; re-push it as schema 2 (a current docker or skopeo converts it)`,
    { code: "MANIFEST_UNSUPPORTED", side: context.side },
  );
}

export function parseManifest(
  bytes: Buffer,
  contentType: string | undefined,
  context: { side?: Side; what: string },
): Manifest {
  const invalid = (why: string) =>
    new ManifestError(`${context.what} is not a valid manifest: ${why}`, {
      code: "MANIFEST_INVALID",
      side: context.side,
    });
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw invalid("it is not JSON");
  }
  if (!isObject(value)) throw invalid("it is not a JSON object");
  const declared = typeof value.mediaType === "string" ? value.mediaType : undefined;
  const headerType = contentType?.split(";")[0]?.trim().toLowerCase();
  if (value.schemaVersion === 1 || SCHEMA1_TYPES.includes(declared ?? "")) throw schema1Error(context);
  refuseSchema1(contentType, context);
  if (value.schemaVersion !== 2) throw invalid(`schemaVersion is ${JSON.stringify(value.schemaVersion)}, expected 2`);
  const mediaType = declared ?? inferType(value, headerType);
  if (
    declared &&
    headerType &&
    INDEX_TYPES.concat(IMAGE_MANIFEST_TYPES).includes(headerType) &&
    headerType !== declared
  ) {
    throw invalid(`it declares ${declared} but was served as ${headerType}`);
  }
  const common = {
    mediaType,
    ...(value.subject === undefined ? {} : { subject: descriptor(value.subject, "subject", invalid) }),
    ...(typeof value.artifactType === "string" ? { artifactType: value.artifactType } : {}),
    ...(isStringRecord(value.annotations) ? { annotations: value.annotations } : {}),
  };
  if (INDEX_TYPES.includes(mediaType)) {
    if (!Array.isArray(value.manifests)) throw invalid("an index needs a manifests array");
    return {
      kind: "index",
      ...common,
      manifests: value.manifests.map((d, i) => descriptor(d, `manifests[${i}]`, invalid)),
    };
  }
  if (IMAGE_MANIFEST_TYPES.includes(mediaType)) {
    if (!Array.isArray(value.layers)) throw invalid("an image manifest needs a layers array");
    return {
      kind: "image",
      ...common,
      config: descriptor(value.config, "config", invalid),
      layers: value.layers.map((d, i) => descriptor(d, `layers[${i}]`, invalid)),
    };
  }
  throw new ManifestError(`${context.what} has media type ${JSON.stringify(mediaType)}, which Gantry does not copy`, {
    code: "MANIFEST_UNSUPPORTED",
    side: context.side,
  });
}

/** The blobs an image manifest needs on the target: config and layers, without foreign layers. */
export function blobsOf(manifest: ImageManifest): Descriptor[] {
  const all = [manifest.config, ...manifest.layers].filter((d) => !NONDISTRIBUTABLE_TYPES.includes(d.mediaType));
  return [...new Map(all.map((d) => [d.digest, d])).values()];
}

export function isManifestType(mediaType: string): boolean {
  return INDEX_TYPES.includes(mediaType) || IMAGE_MANIFEST_TYPES.includes(mediaType);
}

function inferType(value: Record<string, unknown>, headerType: string | undefined): string {
  if (headerType && isManifestType(headerType)) return headerType;
  // OCI allows mediaType to be absent; the shape tells index from manifest.
  if (Array.isArray(value.manifests)) return MediaType.ociIndex;
  if (isObject(value.config) && Array.isArray(value.layers)) return MediaType.ociManifest;
  return headerType ?? "(none)";
}

function descriptor(value: unknown, where: string, invalid: (why: string) => ManifestError): Descriptor {
  if (!isObject(value)) throw invalid(`${where} is not a descriptor object`);
  const { mediaType, digest, size } = value;
  if (typeof mediaType !== "string" || mediaType.length === 0) throw invalid(`${where}.mediaType is missing`);
  if (typeof digest !== "string" || !isDigest(digest))
    throw invalid(`${where}.digest ${JSON.stringify(digest)} is not a valid digest`);
  if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0)
    throw invalid(`${where}.size must be a non-negative integer`);
  const result: Descriptor = { mediaType, digest, size };
  if (isObject(value.platform)) {
    const { os, architecture, variant } = value.platform;
    if (typeof os !== "string" || typeof architecture !== "string")
      throw invalid(`${where}.platform needs os and architecture`);
    result.platform = { os, architecture, ...(typeof variant === "string" ? { variant } : {}) };
    const osVersion = value.platform["os.version"];
    if (typeof osVersion === "string") result.platform["os.version"] = osVersion;
  }
  if (isStringRecord(value.annotations)) result.annotations = value.annotations;
  if (typeof value.artifactType === "string") result.artifactType = value.artifactType;
  if (Array.isArray(value.urls)) result.urls = value.urls.filter((u): u is string => typeof u === "string");
  return result;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return isObject(value) && Object.values(value).every((v) => typeof v === "string");
}
