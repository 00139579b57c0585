import type { CosignKind } from "./cosign-summary";
import type { Digest } from "./digest";
import type { BlobContext } from "./ensure-blob";
import type { RegistryClient } from "./registry-client";
import { isRegistryError } from "./registry-error";
import { fetchManifest } from "./remote-manifest";
import { pushTree } from "./push-tree";
import { resolveImage } from "./resolve-image";

/**
 * cosign's tag scheme (sigstore/cosign pkg/oci/remote): a signature, attestation or SBOM of
 * `sha256:<hex>` is an image tagged `sha256-<hex>.sig`, `.att` or `.sbom` in the same
 * repository, one layer per signature or attestation. Registries without the referrers API
 * are where most signatures live this way.
 */

const SUFFIXES: Record<CosignKind, string> = { signature: "sig", attestation: "att", sbom: "sbom" };

export interface CosignArtifact {
  kind: CosignKind;
  /** `sha256-<hex>.sig` */
  tag: string;
  /** The artifact manifest's digest, the same at the source and the target. */
  digest: Digest;
  /** The image it belongs to. */
  subject: Digest;
  /** Layers: signatures in a .sig, attestations in an .att, documents in an .sbom. */
  count: number;
}

export function cosignTag(subject: Digest, kind: CosignKind): string {
  return `${subject.replace(":", "-")}.${SUFFIXES[kind]}`;
}

/** The cosign tags present for each subject (three manifest GETs per subject; a 404 means none). */
export async function findCosignArtifacts(options: {
  client: RegistryClient;
  repository: string;
  subjects: Digest[];
  signal?: AbortSignal;
}): Promise<CosignArtifact[]> {
  const lookups = options.subjects.flatMap((subject) =>
    (Object.keys(SUFFIXES) as CosignKind[]).map(async (kind): Promise<CosignArtifact | undefined> => {
      const tag = cosignTag(subject, kind);
      try {
        const fetched = await fetchManifest({ ...options, reference: tag });
        const count = fetched.manifest.kind === "image" ? fetched.manifest.layers.length : 0;
        return { kind, tag, digest: fetched.digest, subject, count };
      } catch (error) {
        if (isRegistryError(error) && error.status === 404) return undefined;
        throw error;
      }
    }),
  );
  return (await Promise.all(lookups)).filter((found) => found !== undefined);
}

/** Copies each subject's cosign tags with their blobs, byte for byte, the tag moved last. */
export async function copyCosignTags(job: {
  context: BlobContext;
  sourceRepository: string;
  targetRepository: string;
  subjects: Digest[];
  signal?: AbortSignal;
}): Promise<CosignArtifact[]> {
  const { context, sourceRepository, signal } = job;
  const found = await findCosignArtifacts({
    client: context.source,
    repository: sourceRepository,
    subjects: job.subjects,
    signal,
  });
  for (const artifact of found) {
    const image = await resolveImage({
      client: context.source,
      repository: sourceRepository,
      reference: artifact.digest,
      signal,
    });
    await pushTree({ ...job, image, reference: artifact.tag });
  }
  return found;
}
