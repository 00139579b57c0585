import type { CopyContext, ImageResult, PushedImage } from "./copy-types";
import { copyCosignTags } from "./cosign-tags";
import { copyReferrers } from "./copy-referrers";
import { DigestMismatchError, isAbortError, TooLargeError } from "./errors";
import { failureOf } from "./failure";
import { formatBytes } from "./format-bytes";
import { ImageTracker } from "./image-progress";
import { pushTree } from "./push-tree";
import { DEFAULT_TAG, formatReference, identifierOf, type Reference } from "./reference";
import { headManifest } from "./remote-manifest";
import { resolveTop, resolveTree } from "./resolve-image";
import { reportingRateLimits } from "./transport/rate-limit";

export interface ImageJob {
  imageIndex: number;
  source: Reference;
  target: Reference;
}

/**
 * One image, the copy flow of docs/architecture.md: read the source manifest, HEAD the target (same digest
 * → done), read the rest of the tree, check the size limit, then blobs, child manifests,
 * and the tag last. Never throws: the outcome is the result.
 */
export async function copyImage(context: CopyContext, job: ImageJob): Promise<ImageResult> {
  const identity = {
    imageIndex: job.imageIndex,
    source: formatReference(job.source),
    target: formatReference(job.target),
  };
  const tracker = new ImageTracker(context.progress, identity);
  tracker.image("checking");
  context.transfers.imageStarted(job.imageIndex);
  try {
    const pushed = await reportingRateLimits(
      (notice) => tracker.rateLimited(notice),
      () => run(context, job, tracker),
    );
    const result: PushedImage = { ...identity, status: "pushed", ...pushed };
    tracker.image("pushed", { digest: result.digest });
    return result;
  } catch (error) {
    if (isAbortError(error, context.signal) && context.signal?.aborted) {
      tracker.image("stopped");
      return { ...identity, status: "stopped" };
    }
    const failure = failureOf(error);
    tracker.image("failed", { failure });
    return { ...identity, status: "failed", ...failure };
  } finally {
    context.transfers.imageDone(job.imageIndex);
  }
}

type Pushed = Omit<PushedImage, "status" | "imageIndex" | "source" | "target">;

async function run(context: CopyContext, job: ImageJob, tracker: ImageTracker): Promise<Pushed> {
  const { signal } = context;
  const sourceRepository = job.source.repository;
  const targetRepository = job.target.repository;
  const source = {
    client: context.source,
    repository: sourceRepository,
    reference: identifierOf(job.source),
    platforms: context.platforms,
    signal,
  };
  const top = await resolveTop(source);
  const digest = top.node.digest;
  if (job.target.digest && job.target.digest !== digest) {
    throw new DigestMismatchError(
      `the target reference pins ${job.target.digest}, but the source resolves to ${digest}`,
    );
  }
  // Without a tag of its own the target takes the source's tag, or stays digest-only.
  const reference =
    job.target.tag ?? (job.target.digest ? digest : (job.source.tag ?? (job.source.digest ? digest : DEFAULT_TAG)));
  const common = {
    digest,
    mediaType: top.node.mediaType,
    manifestBytes: top.node.bytes,
    sourceDigest: top.sourceDigest,
    platformFiltered: top.filtered,
  };

  const current = await headManifest({
    client: context.target,
    repository: targetRepository,
    reference,
    push: true,
    signal,
  });
  if (current?.digest === digest) {
    return {
      ...common,
      upToDate: true,
      blobs: { present: 0, mounted: 0, uploaded: 0 },
      bytesTransferred: 0,
      ...(await referrers(context, job, [digest])),
    };
  }

  const image = await resolveTree(source, top);
  if (context.sizeLimitBytes !== undefined && image.size > context.sizeLimitBytes) {
    throw new TooLargeError(
      `${identityOf(job)} is ${formatBytes(image.size)}, over the target's limit of ${formatBytes(context.sizeLimitBytes)}; nothing was copied`,
      { side: "target" },
    );
  }
  tracker.image("transferring", { digest });
  await pushTree({
    context,
    sourceRepository,
    targetRepository,
    image,
    reference,
    tracker,
    imageIndex: job.imageIndex,
    signal,
  });
  // Referrers point at source digests: after a platform filter the top one is not on the target.
  const subjects = [...(top.filtered ? [] : [digest]), ...image.children.map((c) => c.digest)];
  const copied = await referrers(context, job, subjects);
  const { bytesTransferred, blobs } = tracker.outcomes();
  return { ...common, upToDate: false, blobs, bytesTransferred, ...copied };
}

async function referrers(
  context: CopyContext,
  job: ImageJob,
  subjects: string[],
): Promise<Pick<PushedImage, "referrersCopied" | "cosignTags">> {
  if (!context.referrers) return { referrersCopied: 0, cosignTags: [] };
  const along = {
    context,
    sourceRepository: job.source.repository,
    targetRepository: job.target.repository,
    subjects,
    signal: context.signal,
  };
  return { referrersCopied: await copyReferrers(along), cosignTags: await copyCosignTags(along) };
}

function identityOf(job: ImageJob): string {
  return formatReference(job.source);
}
