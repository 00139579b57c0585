import type { CopyItem } from "./copy-types";
import type { Digest } from "./digest";
import { BlobLedger } from "./ensure-blob";
import { isAbortError } from "./errors";
import { failureOf, type Failure } from "./failure";
import { formatBytes } from "./format-bytes";
import { createLimiter } from "./limiter";
import type { Platform } from "./manifest";
import type { BlobOutcome } from "./progress";
import { parsePlatform } from "./platform";
import { DEFAULT_TAG, formatReference, identifierOf, parseReference } from "./reference";
import type { RegistryClient } from "./registry-client";
import { headBlob } from "./remote-blob";
import { headManifest } from "./remote-manifest";
import { resolveTop, resolveTree } from "./resolve-image";

export interface PlanCopyOptions {
  items: CopyItem[];
  source: RegistryClient;
  target: RegistryClient;
  platforms?: (Platform | string)[];
  sizeLimitBytes?: number;
  signal?: AbortSignal;
}

export interface BlobPlan {
  digest: Digest;
  size: number;
  /** What the copy would do with it. */
  outcome: BlobOutcome;
  /** For `mounted`: the target repository it will come from. */
  mountFrom?: string;
}

export interface ImagePlan {
  imageIndex: number;
  source: string;
  target: string;
  /** `up_to_date`: the tag already points at the digest; `failed`: see failure (too_large included). */
  status: "up_to_date" | "copy" | "failed";
  digest?: Digest;
  sourceDigest?: Digest;
  mediaType?: string;
  platformFiltered?: boolean;
  /** Manifests plus distinct blobs: what an empty target would receive. */
  size?: number;
  blobs: BlobPlan[];
  bytesToMove: number;
  failure?: Failure;
}

export interface CopyPlan {
  images: ImagePlan[];
  bytesToMove: number;
  blobsToMove: number;
  /** No image failed or is over the size limit. */
  ok: boolean;
}

/**
 * A dry run of copyImages: per image, which blobs the target has, which it would mount
 * (including those an earlier image of the same call moves) and which must move, and the
 * size-limit check. Only reads: GET on the source, HEAD on the target.
 */
export async function planCopy(options: PlanCopyOptions): Promise<CopyPlan> {
  const ledger = new BlobLedger();
  const checks = createLimiter(16);
  const platforms = options.platforms?.map((p) => (typeof p === "string" ? parsePlatform(p) : p));
  const images: ImagePlan[] = [];
  // One image after another: later images see the blobs earlier ones would bring.
  for (const [imageIndex, item] of options.items.entries()) {
    images.push(await planImage({ ...options, platforms, ledger, checks }, item, imageIndex));
  }
  const bytesToMove = images.reduce((sum, i) => sum + i.bytesToMove, 0);
  const blobsToMove = images.reduce((sum, i) => sum + i.blobs.filter((b) => b.outcome === "uploaded").length, 0);
  return { images, bytesToMove, blobsToMove, ok: images.every((i) => i.status !== "failed") };
}

type PlanContext = Omit<PlanCopyOptions, "platforms"> & {
  platforms?: Platform[];
  ledger: BlobLedger;
  checks: ReturnType<typeof createLimiter>;
};

async function planImage(context: PlanContext, item: CopyItem, imageIndex: number): Promise<ImagePlan> {
  const sourceRef = typeof item.source === "string" ? parseReference(item.source) : item.source;
  const targetRef = typeof item.target === "string" ? parseReference(item.target) : item.target;
  const plan: ImagePlan = {
    imageIndex,
    source: formatReference(sourceRef),
    target: formatReference(targetRef),
    status: "copy",
    blobs: [],
    bytesToMove: 0,
  };
  const { signal } = context;
  try {
    const source = {
      client: context.source,
      repository: sourceRef.repository,
      reference: identifierOf(sourceRef),
      platforms: context.platforms,
      signal,
    };
    const top = await resolveTop(source);
    Object.assign(plan, {
      digest: top.node.digest,
      sourceDigest: top.sourceDigest,
      mediaType: top.node.mediaType,
      platformFiltered: top.filtered,
    });
    const target = { client: context.target, repository: targetRef.repository, push: true, signal };
    const reference = targetRef.tag ?? targetRef.digest ?? sourceRef.tag ?? DEFAULT_TAG;
    const current = await headManifest({ ...target, reference });
    const image = await resolveTree(source, top);
    plan.size = image.size;
    if (current?.digest === top.node.digest) {
      plan.status = "up_to_date";
      image.blobs.forEach((b) => context.ledger.record(b.digest, targetRef.repository));
      plan.blobs = image.blobs.map((b) => ({ digest: b.digest, size: b.size, outcome: "present" }));
      return plan;
    }
    plan.blobs = await Promise.all(
      image.blobs.map(async (blob): Promise<BlobPlan> => {
        const base = { digest: blob.digest, size: blob.size };
        if (context.ledger.holds(blob.digest, targetRef.repository)) return { ...base, outcome: "present" };
        const present = await context.checks.run(() => headBlob(target, blob.digest), signal);
        if (present !== undefined) {
          context.ledger.record(blob.digest, targetRef.repository);
          return { ...base, outcome: "present" };
        }
        const mountFrom = context.ledger.mountSource(blob.digest, {
          ...context,
          sourceRepository: sourceRef.repository,
          targetRepository: targetRef.repository,
        });
        context.ledger.record(blob.digest, targetRef.repository);
        return mountFrom ? { ...base, outcome: "mounted", mountFrom } : { ...base, outcome: "uploaded" };
      }),
    );
    plan.bytesToMove = plan.blobs.filter((b) => b.outcome === "uploaded").reduce((sum, b) => sum + b.size, 0);
    return overSizeLimit(plan, plan.source, image.size, context.sizeLimitBytes);
  } catch (error) {
    if (isAbortError(error, signal) && signal?.aborted) throw error;
    plan.status = "failed";
    plan.failure = failureOf(error);
    return plan;
  }
}

/** A plan whose image is over the target's size limit fails as too_large, before any byte moves. */
export function overSizeLimit(plan: ImagePlan, name: string, size: number, limitBytes: number | undefined): ImagePlan {
  if (limitBytes === undefined || size <= limitBytes) return plan;
  plan.status = "failed";
  plan.failure = {
    kind: "too_large",
    side: "target",
    message: `${name} is ${formatBytes(size)}, over the target's limit of ${formatBytes(limitBytes)}`,
    retryable: false,
  };
  return plan;
}
