import { DEFAULT_UPLOAD_POLICY, type UploadPolicy } from "../upload-strategy";
import { DEFAULT_BLOB_CONCURRENCY } from "../copy-images";
import type { ImageResult } from "../copy-types";
import type { CosignArtifact } from "../cosign-tags";
import type { Digest } from "../digest";
import { BlobLedger, type BlobContext } from "../ensure-blob";
import { isAbortError } from "../errors";
import { failureOf } from "../failure";
import { ImageTracker } from "../image-progress";
import { createLimiter } from "../limiter";
import { blobsOf, parseManifest } from "../manifest";
import { ProgressThrottle, type CopyProgressEvent } from "../progress";
import { pushTree } from "../push-tree";
import { formatReference, identifierOf, type Reference } from "../reference";
import { addToFallbackIndex } from "../referrers";
import { RegistryClient } from "../registry-client";
import { headBlob } from "../remote-blob";
import { headManifest } from "../remote-manifest";
import type { ManifestNode, ResolvedImage } from "../resolve-image";
import { BundleError, type BundleComponent } from "./bundle-format";
import { openBundleBlob, readBundleBlob, type OpenedBundle } from "./read-bundle";

export interface ImportBundleOptions {
  bundle: OpenedBundle;
  /** The registry every target lives on. */
  target: RegistryClient;
  /** Where each component goes, by its name in the bundle (`vendor/api:1.2`). */
  targets: { name: string; target: Reference }[];
  concurrency?: number;
  upload?: Partial<UploadPolicy>;
  signal?: AbortSignal;
  onProgress?: (event: CopyProgressEvent) => void;
}

const CHECK_CONCURRENCY = 16;

/**
 * Pushes a bundle's components into a registry, blobs read straight from the bundle file by
 * offset, as copy-images does registry to registry: the target is asked before a byte moves
 * (so an interrupted import only finishes what is missing), shared blobs go up once and are
 * mounted elsewhere, manifests go last and tags after them. A differential bundle is refused
 * before anything moves when the target lacks a blob it leaves out.
 */
export async function importBundle(options: ImportBundleOptions): Promise<{ images: ImageResult[]; ok: boolean }> {
  const { bundle, signal } = options;
  const progress = new ProgressThrottle(options.onProgress);
  const context: BlobContext = {
    // Never asked for anything: blobs come from openSource.
    source: new RegistryClient({ registry: "bundle", side: "source" }),
    target: options.target,
    ledger: new BlobLedger(),
    transfers: createLimiter(options.concurrency ?? DEFAULT_BLOB_CONCURRENCY),
    checks: createLimiter(CHECK_CONCURRENCY),
    upload: { ...DEFAULT_UPLOAD_POLICY, ...options.upload },
    openSource: async (descriptor) => openBundleBlob(bundle, descriptor),
  };
  const jobs = options.targets.map(({ name, target }, imageIndex) => {
    const component = bundle.manifest.components.find((c) => c.name === name);
    if (!component) throw new BundleError(`the bundle has no component ${name}`, "not_found");
    return { imageIndex, component, target };
  });
  const trees = await Promise.all(jobs.map((job) => treeOf(bundle, job.component.digest, job.component.mediaType)));
  await checkOmitted(
    context,
    bundle,
    jobs.map((job, i) => ({ repository: job.target.repository, image: trees[i]! })),
    signal,
  );
  try {
    const images = createLimiter(8);
    const results = await Promise.all(
      jobs.map((job, i) =>
        images.run(() => importOne(context, { ...job, image: trees[i]!, bundle, progress, signal })),
      ),
    );
    return { images: results, ok: results.every((r) => r.status === "pushed") };
  } finally {
    progress.flush();
    await context.source.close();
  }
}

interface ImportJob {
  imageIndex: number;
  component: BundleComponent;
  target: Reference;
  image: ResolvedImage;
  bundle: OpenedBundle;
  progress: ProgressThrottle;
  signal?: AbortSignal;
}

async function importOne(context: BlobContext, job: ImportJob): Promise<ImageResult> {
  const identity = { imageIndex: job.imageIndex, source: job.component.name, target: formatReference(job.target) };
  const tracker = new ImageTracker(job.progress, identity);
  const { signal, image } = job;
  const repository = job.target.repository;
  const reference = identifierOf(job.target);
  tracker.image("checking");
  try {
    const current = await headManifest({ client: context.target, repository, reference, push: true, signal });
    const upToDate = current?.digest === image.top.digest;
    if (!upToDate) {
      tracker.image("transferring", { digest: image.top.digest });
      await pushTree({
        context,
        sourceRepository: "",
        targetRepository: repository,
        image,
        reference,
        tracker,
        signal,
      });
    }
    const referrersCopied = await pushReferrers(context, job);
    const cosignTags = await pushCosignTags(context, job);
    const { bytesTransferred, blobs } = tracker.outcomes();
    tracker.image("pushed", { digest: image.top.digest });
    return {
      ...identity,
      status: "pushed",
      digest: image.top.digest,
      mediaType: image.top.mediaType,
      manifestBytes: image.top.bytes,
      sourceDigest: image.top.digest,
      platformFiltered: false,
      upToDate,
      blobs,
      bytesTransferred,
      referrersCopied,
      cosignTags,
    };
  } catch (error) {
    if (isAbortError(error, signal) && signal?.aborted) {
      tracker.image("stopped");
      return { ...identity, status: "stopped" };
    }
    const failure = failureOf(error);
    tracker.image("failed", { failure });
    return { ...identity, status: "failed", ...failure };
  }
}

/** The referrers the bundle carries, pushed by digest; the tag fallback index where the target does not index them. */
async function pushReferrers(context: BlobContext, job: ImportJob): Promise<number> {
  const unindexed = new Map<Digest, { mediaType: string; digest: Digest; size: number; artifactType?: string }[]>();
  for (const referrer of job.component.referrers) {
    const image = await treeOf(job.bundle, referrer.digest, referrer.mediaType);
    const at = { context, sourceRepository: "", targetRepository: job.target.repository, signal: job.signal };
    const pushed = await pushTree({ ...at, image, reference: referrer.digest });
    if (pushed.subject !== referrer.subject) {
      const { subject, ...descriptor } = referrer;
      unindexed.set(subject, [...(unindexed.get(subject) ?? []), descriptor]);
    }
  }
  for (const [subject, descriptors] of unindexed) {
    await addToFallbackIndex(
      { client: context.target, repository: job.target.repository, digest: subject, signal: job.signal },
      descriptors,
    );
  }
  return job.component.referrers.length;
}

/** The cosign tags the bundle carries, each tree pushed with its tag last, as copyCosignTags does. */
async function pushCosignTags(context: BlobContext, job: ImportJob): Promise<CosignArtifact[]> {
  const tags = job.component.cosignTags ?? [];
  for (const tag of tags) {
    const image = await treeOf(job.bundle, tag.digest, tag.mediaType);
    const at = { context, sourceRepository: "", targetRepository: job.target.repository, signal: job.signal };
    await pushTree({ ...at, image, reference: tag.tag });
  }
  return tags.map(({ kind, tag, digest, subject, count }) => ({ kind, tag, digest, subject, count }));
}

/**
 * A differential bundle leaves out blobs its base carried: each must already be in the target
 * repository that needs it, or in another one of this import (it is mounted from there).
 */
export async function checkOmitted(
  context: BlobContext,
  bundle: OpenedBundle,
  uses: { repository: string; image: ResolvedImage }[],
  signal?: AbortSignal,
): Promise<void> {
  const omitted = new Set(bundle.manifest.omitted.map((o) => o.digest));
  if (omitted.size === 0) return;
  const repositories = [...new Set(uses.map((u) => u.repository))];
  const missing = new Set<Digest>();
  for (const { repository, image } of uses) {
    for (const blob of image.blobs.filter((b) => omitted.has(b.digest))) {
      if (context.ledger.holds(blob.digest, repository)) continue;
      let found: string | undefined;
      for (const candidate of [repository, ...repositories.filter((r) => r !== repository)]) {
        const at = { client: context.target, repository: candidate, push: true, signal };
        if ((await context.checks.run(() => headBlob(at, blob.digest), signal)) !== undefined) {
          found = candidate;
          break;
        }
      }
      if (found) context.ledger.record(blob.digest, found);
      else missing.add(blob.digest);
    }
  }
  if (missing.size === 0) return;
  const base = bundle.manifest.base;
  throw new BundleError(
    `this differential bundle builds on ${base?.release ? `release ${base.release}` : "an earlier bundle"} (created ${base?.createdAt ?? "?"}), ` +
      `and target ${context.target.registry} lacks ${missing.size} blob(s) it leaves out: ${[...missing].join(", ")}; import the base bundle first`,
    "not_found",
  );
}

/** A component's manifests read from the bundle (digests checked), as the copy engine pushes them. */
export async function treeOf(bundle: OpenedBundle, digest: Digest, mediaType: string): Promise<ResolvedImage> {
  const children: ManifestNode[] = [];
  const read = async (d: Digest, type: string, depth: number): Promise<ManifestNode> => {
    const bytes = await readBundleBlob(bundle, d);
    const manifest = parseManifest(bytes, type, { what: `manifest ${d} in the bundle` });
    if (manifest.kind === "index") {
      if (depth > 4) throw new BundleError(`manifest ${d} nests indexes too deep`);
      for (const child of manifest.manifests) {
        if (!children.some((c) => c.digest === child.digest))
          children.push(await read(child.digest, child.mediaType, depth + 1));
      }
      return { digest: d, mediaType: manifest.mediaType, bytes, blobs: [] };
    }
    return { digest: d, mediaType: manifest.mediaType, bytes, blobs: blobsOf(manifest) };
  };
  const top = await read(digest, mediaType, 0);
  const all = [...children, top];
  const blobs = [...new Map(all.flatMap((m) => m.blobs).map((b) => [b.digest, b])).values()];
  const size = all.reduce((n, m) => n + m.bytes.length, 0) + blobs.reduce((n, b) => n + b.size, 0);
  return { top, children, blobs, sourceDigest: digest, filtered: false, size };
}
