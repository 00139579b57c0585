import { cosignTag } from "./cosign-tags";
import { digestOf, type Digest } from "./digest";
import { TooLargeError } from "./errors";
import { fetchBytes } from "./fetch-bytes";
import type { Descriptor } from "./manifest";
import type { RegistryClient } from "./registry-client";
import { isRegistryError } from "./registry-error";
import { listReferrers } from "./referrers";
import { fetchManifest, scopesFor } from "./remote-manifest";

/** One SBOM or attestation document published for an image, as a release page describes it. */
export interface SbomSummary {
  kind: "sbom" | "attestation";
  format: "spdx" | "cyclonedx" | "in-toto" | "unknown";
  /** `cosign`: a `sha256-<hex>.sbom` / `.att` tag; `referrer`: an OCI 1.1 referrer of the image. */
  via: "cosign" | "referrer";
  /** The document's blob in the image's repository: what a download streams. */
  digest: Digest;
  mediaType: string;
  size: number;
  /** SPDX `packages`, CycloneDX `components` (for in-toto: of its predicate); null when not counted. */
  packages: number | null;
  /** An in-toto statement's predicate type (SLSA provenance, SPDX, CycloneDX…). */
  predicateType?: string;
}

/** Documents read per image at most, and the largest one whose packages are counted. */
const MAX_DOCUMENTS = 8;
const MAX_COUNTED_BYTES = 16 * 1024 * 1024;

const SBOM_ARTIFACT_TYPES = /spdx|cyclonedx|in-toto|intoto/i;

/**
 * The SBOMs and attestations of an image: cosign's `.sbom` and `.att` tags and referrers whose
 * artifact type names SPDX, CycloneDX or in-toto. Each document is read (to 16 MiB) to count
 * its packages; larger ones are listed uncounted. A registry answering 404 means none.
 */
export async function findSboms(options: {
  client: RegistryClient;
  repository: string;
  subject: Digest;
  signal?: AbortSignal;
}): Promise<SbomSummary[]> {
  const [sbomTag, attTag, referrers] = await Promise.all([
    layersOfTag(options, cosignTag(options.subject, "sbom")),
    layersOfTag(options, cosignTag(options.subject, "attestation")),
    referrerLayers(options),
  ]);
  const candidates = [
    ...sbomTag.map((layer) => ({ layer, via: "cosign" as const, hint: "sbom" as const })),
    ...attTag.map((layer) => ({ layer, via: "cosign" as const, hint: "attestation" as const })),
    ...referrers.map((layer) => ({ layer, via: "referrer" as const, hint: undefined })),
  ].slice(0, MAX_DOCUMENTS);
  return Promise.all(
    candidates.map(async ({ layer, via, hint }) => {
      const document = layer.size <= MAX_COUNTED_BYTES ? await readDocument(options, layer) : undefined;
      return {
        ...describe(document, layer.mediaType, hint),
        via,
        digest: layer.digest,
        mediaType: layer.mediaType,
        size: layer.size,
      };
    }),
  );
}

async function layersOfTag(
  options: { client: RegistryClient; repository: string; signal?: AbortSignal },
  tag: string,
): Promise<Descriptor[]> {
  try {
    const { manifest } = await fetchManifest({ ...options, reference: tag });
    return manifest.kind === "image" ? manifest.layers : [];
  } catch (error) {
    if (isRegistryError(error) && error.status === 404) return [];
    throw error;
  }
}

async function referrerLayers(options: {
  client: RegistryClient;
  repository: string;
  subject: Digest;
  signal?: AbortSignal;
}): Promise<Descriptor[]> {
  const { descriptors } = await listReferrers({ ...options, digest: options.subject });
  const documents = descriptors.filter((d) => SBOM_ARTIFACT_TYPES.test(d.artifactType ?? ""));
  const layers = await Promise.all(
    documents.slice(0, MAX_DOCUMENTS).map(async (d) => {
      const { manifest } = await fetchManifest({ ...options, reference: d.digest });
      return manifest.kind === "image" ? manifest.layers : [];
    }),
  );
  return layers.flat();
}

/** The document parsed as JSON, or undefined when it is not JSON or not what its digest says. */
async function readDocument(
  options: { client: RegistryClient; repository: string; signal?: AbortSignal },
  layer: Descriptor,
): Promise<unknown> {
  const { client, repository, signal } = options;
  const { bytes } = await fetchBytes(
    client,
    { method: "GET", url: `/v2/${repository}/blobs/${layer.digest}`, scopes: scopesFor(repository), ok: [200], signal },
    {
      maxBytes: MAX_COUNTED_BYTES,
      tooLarge: (size) => new TooLargeError(`document ${layer.digest} is ${size}`, { side: client.side }),
    },
  );
  if (digestOf(bytes) !== layer.digest) return undefined;
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch {
    return undefined;
  }
}

type Described = Pick<SbomSummary, "kind" | "format" | "packages" | "predicateType">;

function describe(document: unknown, mediaType: string, hint: "sbom" | "attestation" | undefined): Described {
  const statement = inTotoStatement(document);
  if (statement) {
    const counted = countPackages(statement.predicate);
    return {
      kind: "attestation",
      format: "in-toto",
      packages: counted?.packages ?? null,
      ...(statement.predicateType ? { predicateType: statement.predicateType } : {}),
    };
  }
  const counted = countPackages(document);
  if (counted) return { kind: "sbom", ...counted };
  const format = /spdx/i.test(mediaType) ? "spdx" : /cyclonedx/i.test(mediaType) ? "cyclonedx" : "unknown";
  return { kind: hint === "attestation" ? "attestation" : "sbom", format, packages: null };
}

function countPackages(document: unknown): { format: "spdx" | "cyclonedx"; packages: number } | undefined {
  if (typeof document !== "object" || document === null) return undefined;
  const value = document as { spdxVersion?: unknown; packages?: unknown; bomFormat?: unknown; components?: unknown };
  if (typeof value.spdxVersion === "string")
    return { format: "spdx", packages: Array.isArray(value.packages) ? value.packages.length : 0 };
  if (value.bomFormat === "CycloneDX")
    return { format: "cyclonedx", packages: Array.isArray(value.components) ? value.components.length : 0 };
  return undefined;
}

/** An in-toto statement, bare or in a DSSE envelope (cosign's `.att` layers are envelopes). */
function inTotoStatement(document: unknown): { predicateType?: string; predicate: unknown } | undefined {
  if (typeof document !== "object" || document === null) return undefined;
  let value = document as Record<string, unknown>;
  if (typeof value.payload === "string" && typeof value.payloadType === "string") {
    try {
      value = JSON.parse(Buffer.from(value.payload, "base64").toString("utf8")) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  }
  if (typeof value._type !== "string" || !/in-toto/i.test(value._type)) return undefined;
  return {
    ...(typeof value.predicateType === "string" ? { predicateType: value.predicateType } : {}),
    predicate: value.predicate,
  };
}
