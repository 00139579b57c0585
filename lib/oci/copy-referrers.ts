import type { Digest } from "./digest";
import type { BlobContext } from "./ensure-blob";
import type { Descriptor } from "./manifest";
import { pushTree } from "./push-tree";
import { addToFallbackIndex, listReferrers } from "./referrers";
import { resolveImage } from "./resolve-image";

export interface CopyReferrersJob {
  context: BlobContext;
  sourceRepository: string;
  targetRepository: string;
  /** Manifests whose referrers follow them (an image, or an index and its children). */
  subjects: Digest[];
  signal?: AbortSignal;
}

// A signature of an SBOM of an image is two levels down; deeper chains are not followed.
const MAX_DEPTH = 2;

/**
 * Copies the referrers of each subject (signatures, SBOMs, attestations) with their blobs,
 * and, where the target did not index them itself (no OCI-Subject answer), writes the
 * tag-schema fallback index there. Returns how many referrer manifests were copied.
 */
export async function copyReferrers(job: CopyReferrersJob, depth = 1): Promise<number> {
  let copied = 0;
  for (const subject of job.subjects) {
    const { descriptors } = await listReferrers({
      client: job.context.source,
      repository: job.sourceRepository,
      digest: subject,
      signal: job.signal,
    });
    const unindexed: Descriptor[] = [];
    for (const referrer of descriptors) {
      const image = await resolveImage({
        client: job.context.source,
        repository: job.sourceRepository,
        reference: referrer.digest,
        signal: job.signal,
      });
      const pushed = await pushTree({ ...job, image, reference: referrer.digest });
      if (pushed.subject !== subject) unindexed.push(referrer);
      copied++;
    }
    if (unindexed.length) {
      await addToFallbackIndex(
        { client: job.context.target, repository: job.targetRepository, digest: subject, signal: job.signal },
        unindexed,
      );
    }
    if (depth < MAX_DEPTH && descriptors.length) {
      copied += await copyReferrers({ ...job, subjects: descriptors.map((d) => d.digest) }, depth + 1);
    }
  }
  return copied;
}
