import type { Digest } from "./digest";
import { ensureBlob, type BlobContext } from "./ensure-blob";
import type { ImageTracker } from "./image-progress";
import type { Descriptor } from "./manifest";
import { headManifest, putManifest, type PushedManifest } from "./remote-manifest";
import type { ManifestNode, ResolvedImage } from "./resolve-image";
import { TransferSchedule } from "./transfer-schedule";

export interface PushTreeJob {
  context: BlobContext;
  sourceRepository: string;
  targetRepository: string;
  image: ResolvedImage;
  /** Tag (or digest) the top manifest goes under. */
  reference: string;
  tracker?: ImageTracker;
  /** The image of the copy call this is the tree of (referrers have none). */
  imageIndex?: number;
  signal?: AbortSignal;
}

/**
 * Puts a resolved image on the target in an order that is always safe to resume: blobs,
 * then child manifests by digest, then the top manifest under its tag. Manifests the
 * target already has by digest are not pushed again, nor are their blobs checked.
 */
export async function pushTree(job: PushTreeJob): Promise<PushedManifest> {
  const { context, image, targetRepository, signal } = job;
  const target = { client: context.target, repository: targetRepository, push: true, signal };
  const manifests = [...image.children, image.top];
  const present = new Set<Digest>();
  await Promise.all(
    manifests.map(async (m) => {
      const head = await context.checks.run(() => headManifest({ ...target, reference: m.digest }), signal);
      if (head?.digest === m.digest) present.add(m.digest);
    }),
  );

  const needed = new Map<Digest, Descriptor>();
  for (const m of manifests) if (!present.has(m.digest)) m.blobs.forEach((b) => needed.set(b.digest, b));
  job.tracker?.setBlobs(image.blobs);
  for (const blob of image.blobs) {
    if (!needed.has(blob.digest)) job.tracker?.blob(blob.digest, "present", blob.size);
  }
  await ensureAll(job, [...needed.values()]);

  for (const child of image.children) {
    if (!present.has(child.digest)) await push(job, child, child.digest);
  }
  if (present.has(image.top.digest) && job.reference === image.top.digest) return { digest: image.top.digest };
  return push(job, image.top, job.reference);
}

function push(job: PushTreeJob, node: ManifestNode, reference: string): Promise<PushedManifest> {
  return putManifest({
    client: job.context.target,
    repository: job.targetRepository,
    reference,
    bytes: node.bytes,
    mediaType: node.mediaType,
    signal: job.signal,
  });
}

/** All blobs in parallel (the limiters bound them); the first failure stops this image's others. */
async function ensureAll(job: PushTreeJob, blobs: Descriptor[]): Promise<void> {
  const controller = new AbortController();
  const signal = job.signal ? AbortSignal.any([job.signal, controller.signal]) : controller.signal;
  const schedule = job.context.transfers instanceof TransferSchedule ? job.context.transfers : undefined;
  const tickets = schedule?.register(
    job.imageIndex,
    blobs.map((b) => ({ digest: b.digest, size: b.size })),
  );
  const tasks = blobs.map((descriptor, i) =>
    ensureBlob(tickets ? { ...job.context, transfers: tickets[i]!.limiter } : job.context, {
      sourceRepository: job.sourceRepository,
      targetRepository: job.targetRepository,
      descriptor,
      signal,
      onState: (state, bytesDone, mountedFrom) => {
        if (state === "transferring") tickets?.[i]!.progress(bytesDone);
        job.tracker?.blob(descriptor.digest, state, bytesDone, mountedFrom);
      },
    }).finally(() => tickets?.[i]!.settle()),
  );
  try {
    await Promise.all(tasks);
  } catch (error) {
    controller.abort(error);
    await Promise.allSettled(tasks);
    throw error;
  }
}
