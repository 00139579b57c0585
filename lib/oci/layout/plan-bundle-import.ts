import type { Digest } from "../digest";
import { BlobLedger, type BlobContext } from "../ensure-blob";
import { isAbortError } from "../errors";
import { failureOf } from "../failure";
import { createLimiter } from "../limiter";
import { overSizeLimit, type BlobPlan, type ImagePlan } from "../plan-copy";
import { formatReference, identifierOf, type Reference } from "../reference";
import { RegistryClient } from "../registry-client";
import { headBlob } from "../remote-blob";
import { headManifest } from "../remote-manifest";
import type { ResolvedImage } from "../resolve-image";
import { BundleError } from "./bundle-format";
import { checkOmitted, treeOf } from "./import-bundle";
import type { OpenedBundle } from "./read-bundle";

export interface PlanBundleImportOptions {
  bundle: OpenedBundle;
  target: RegistryClient;
  targets: { name: string; target: Reference }[];
  sizeLimitBytes?: number;
  signal?: AbortSignal;
}

/**
 * planCopy for a bundle: per component, whether the target tag already has its digest, which
 * blobs the target has, would mount (one an earlier component brings) or must receive, and
 * the size-limit check. Only reads: the bundle's manifests, HEAD on the target. A
 * differential bundle whose omitted blobs the target lacks fails every image, naming them.
 */
export async function planBundleImport(options: PlanBundleImportOptions): Promise<ImagePlan[]> {
  const { bundle, signal } = options;
  const context: BlobContext = {
    source: new RegistryClient({ registry: "bundle", side: "source" }),
    target: options.target,
    ledger: new BlobLedger(),
    transfers: createLimiter(1),
    checks: createLimiter(16),
  };
  try {
    const trees: ResolvedImage[] = [];
    for (const { name } of options.targets) {
      const component = bundle.manifest.components.find((c) => c.name === name);
      if (!component) throw new BundleError(`the bundle has no component ${name}`, "not_found");
      trees.push(await treeOf(bundle, component.digest, component.mediaType));
    }
    let omitted: Error | undefined;
    try {
      const uses = options.targets.map((t, i) => ({ repository: t.target.repository, image: trees[i]! }));
      await checkOmitted(context, bundle, uses, signal);
    } catch (error) {
      if (isAbortError(error, signal) && signal?.aborted) throw error;
      omitted = error as Error;
    }
    const plans: ImagePlan[] = [];
    // One after another: later components see the blobs earlier ones bring, as planCopy does.
    for (const [imageIndex, item] of options.targets.entries()) {
      plans.push(await planOne(context, { ...options, imageIndex, item, image: trees[imageIndex]!, omitted }));
    }
    return plans;
  } finally {
    await context.source.close();
  }
}

async function planOne(
  context: BlobContext,
  job: PlanBundleImportOptions & {
    imageIndex: number;
    item: { name: string; target: Reference };
    image: ResolvedImage;
    omitted?: Error;
  },
): Promise<ImagePlan> {
  const { image, item, signal } = job;
  const repository = item.target.repository;
  const plan: ImagePlan = {
    imageIndex: job.imageIndex,
    source: item.name,
    target: formatReference(item.target),
    status: "copy",
    digest: image.top.digest,
    sourceDigest: image.top.digest,
    mediaType: image.top.mediaType,
    platformFiltered: false,
    size: image.size,
    blobs: [],
    bytesToMove: 0,
  };
  try {
    if (job.omitted) throw job.omitted;
    const at = { client: context.target, repository, push: true, signal };
    const current = await headManifest({ ...at, reference: identifierOf(item.target) });
    if (current?.digest === image.top.digest) {
      image.blobs.forEach((b) => context.ledger.record(b.digest, repository));
      plan.status = "up_to_date";
      plan.blobs = image.blobs.map((b) => ({ digest: b.digest, size: b.size, outcome: "present" }));
      return plan;
    }
    plan.blobs = await Promise.all(image.blobs.map((blob) => planBlob(context, at, blob.digest, blob.size)));
    plan.bytesToMove = plan.blobs.filter((b) => b.outcome === "uploaded").reduce((sum, b) => sum + b.size, 0);
    return overSizeLimit(plan, item.name, image.size, job.sizeLimitBytes);
  } catch (error) {
    if (isAbortError(error, signal) && signal?.aborted) throw error;
    plan.status = "failed";
    plan.failure = failureOf(error);
    return plan;
  }
}

async function planBlob(
  context: BlobContext,
  at: { client: RegistryClient; repository: string; push: boolean; signal?: AbortSignal },
  digest: Digest,
  size: number,
): Promise<BlobPlan> {
  if (context.ledger.holds(digest, at.repository)) return { digest, size, outcome: "present" };
  const present = await context.checks.run(() => headBlob(at, digest), at.signal);
  if (present !== undefined) {
    context.ledger.record(digest, at.repository);
    return { digest, size, outcome: "present" };
  }
  const mountFrom = context.ledger.mountSource(digest, {
    ...context,
    openSource: true,
    sourceRepository: "",
    targetRepository: at.repository,
  });
  context.ledger.record(digest, at.repository);
  return mountFrom ? { digest, size, outcome: "mounted", mountFrom } : { digest, size, outcome: "uploaded" };
}
