import "server-only";
import { isUserError } from "@/lib/change/errors";
import { db } from "@/lib/db/prisma";
import { copyImages, DEFAULT_BLOB_CONCURRENCY } from "@/lib/oci/copy-images";
import type { ImageResult } from "@/lib/oci/copy-types";
import { isOciError } from "@/lib/oci/errors";
import { failureOf } from "@/lib/oci/failure";
import { redact } from "@/lib/oci/redact";
import { formatReference, parseReference } from "@/lib/oci/reference";
import { headManifest } from "@/lib/oci/remote-manifest";
import type { Throttle } from "@/lib/oci/transport/throttle";
import { providerInfo } from "@/lib/registries/providers";
import { log } from "@/lib/log";
import { BlobTransferMeter } from "@/lib/metrics/blob-transfer-meter";
import { openBandwidthShare } from "./bandwidth-share";
import { ImageProgressWriter } from "./image-progress-writer";
import { claimImages, finishImage, handBackImage, type ClaimedImage, type ImageOutcome } from "./image-transitions";
import { openPromotionRegistries, type PromotionRegistries } from "./open-promotion-registries";
import { promotionSettings } from "./promotion-settings";
import { watchPromotionImages } from "./watch-promotion-images";

export type ImageRunResult = "pushed" | "failed" | "stopped" | "handed-back";
type CopyOutcome = ImageOutcome | "stopped";

/**
 * The promote-image job: claims the image row (the job is only a wake-up; a row that is not
 * pending means another worker has it or it was stopped), together with the promotion's
 * other pending images, and copies them in one lib/oci call — one blob limiter for the
 * promotion, shared blobs moved once and mounted by the others. Progress is persisted per
 * image, each pushed image's digest verified at the target and each outcome recorded. An
 * operator's stop aborts the copy within a watch tick; a worker shutdown hands images back.
 */
export async function runPromotionImages(
  promotionImageId: string,
  context: { workerId: string; signal: AbortSignal },
): Promise<Record<string, ImageRunResult>> {
  const settings = promotionSettings();
  const images = await claimImages(promotionImageId, context.workerId, settings.imagesPerJob);
  if (images.length === 0) return {};
  const controller = new AbortController();
  const lost = new Set<string>();
  const onLost = (id: string) => {
    lost.add(id);
    controller.abort(new Error("an image is no longer this worker's"));
  };
  const onShutdown = () => controller.abort(new Error("the worker is shutting down"));
  if (context.signal.aborted) onShutdown();
  context.signal.addEventListener("abort", onShutdown, { once: true });
  const writers = images.map(
    (image) =>
      new ImageProgressWriter(
        { ...image, workerId: context.workerId },
        { intervalMs: settings.progressIntervalMs, onLost: () => onLost(image.id) },
      ),
  );
  const share = await openBandwidthShare(
    { workerId: context.workerId, promotionId: images[0]!.promotionId },
    { freshMs: settings.stallSeconds * 1000 },
  );
  const stopWatch = watchPromotionImages(
    { ids: images.map((i) => i.id), workerId: context.workerId },
    { watchMs: settings.watchMs, heartbeatMs: settings.heartbeatMs, onLost, onHeartbeat: share.refresh },
  );
  try {
    const outcomes = await copyAll(images, controller.signal, writers, share.throttle);
    await Promise.all(writers.map((w) => w.close()));
    const results: Record<string, ImageRunResult> = {};
    for (const [index, image] of images.entries()) {
      const outcome = outcomes[index]!;
      if (outcome === "stopped") {
        // Still ours (the worker is stopping, or a sibling was taken away): give it back.
        if (lost.has(image.id)) results[image.component] = "stopped";
        else {
          await handBackImage(image, context.workerId);
          results[image.component] = "handed-back";
        }
        continue;
      }
      const recorded = await finishImage(image, context.workerId, outcome);
      results[image.component] = recorded ? outcome.status : "stopped";
    }
    return results;
  } finally {
    stopWatch();
    share.release();
    context.signal.removeEventListener("abort", onShutdown);
    await Promise.all(writers.map((w) => w.close().catch(() => undefined)));
  }
}

/** Copies the claimed images in one call; an outcome per image, in order. */
async function copyAll(
  images: ClaimedImage[],
  signal: AbortSignal,
  writers: ImageProgressWriter[],
  throttle: Throttle,
): Promise<CopyOutcome[]> {
  const promotion = await db().promotion.findUniqueOrThrow({
    where: { id: images[0]!.promotionId },
    select: {
      targetRegistryId: true,
      targetRegistry: { select: { sizeLimitBytes: true } },
      release: { select: { channel: { select: { sourceRegistryId: true, copySignatures: true } } } },
    },
  });
  let registries: PromotionRegistries;
  try {
    const timeouts = { lowSpeedWindowMs: promotionSettings().lowSpeedSeconds * 1000 };
    registries = await openPromotionRegistries(
      { sourceRegistryId: promotion.release.channel.sourceRegistryId, targetRegistryId: promotion.targetRegistryId },
      { timeouts, targetThrottle: throttle },
    );
  } catch (error) {
    const message = isUserError(error) ? error.message : "the registries could not be opened";
    return images.map(() => ({ status: "failed", kind: "denied", message }));
  }
  const secrets = () => [...registries.source.secrets(), ...registries.target.secrets()];
  const meter = new BlobTransferMeter(promotion.targetRegistryId);
  try {
    const outcomes: (CopyOutcome | undefined)[] = [];
    const items: { index: number; source: string; target: ReturnType<typeof parseReference> }[] = [];
    for (const [index, image] of images.entries()) {
      const source = parseReference(image.sourceRef);
      const target = parseReference(image.targetRef);
      outcomes[index] = await ensureRepository(registries, target.repository, signal, secrets);
      if (!outcomes[index])
        items.push({
          index,
          source: formatReference({
            registry: source.registry,
            repository: source.repository,
            digest: image.digest as `sha256:${string}`,
          }),
          target,
        });
    }
    if (items.length === 0) return outcomes as CopyOutcome[];

    const sizeLimit = promotion.targetRegistry.sizeLimitBytes;
    const result = await copyImages({
      source: registries.source.client,
      target: registries.target.client,
      items: items.map(({ source, target }) => ({ source, target })),
      concurrency: DEFAULT_BLOB_CONCURRENCY,
      referrers: promotion.release.channel.copySignatures,
      ...(sizeLimit === null ? {} : { sizeLimitBytes: Number(sizeLimit) }),
      signal,
      onProgress: (event) => {
        meter.observe(event);
        writers[items[event.imageIndex]!.index]!.push(event);
      },
    });
    for (const [position, item] of items.entries()) {
      outcomes[item.index] = await outcomeOf(
        result.images[position]!,
        images[item.index]!,
        registries,
        signal,
        writers[item.index]!,
        secrets,
      );
    }
    return outcomes as CopyOutcome[];
  } catch (error) {
    if (signal.aborted) return images.map(() => "stopped" as const);
    const failure = failureOf(error);
    log.warn({ promotionId: images[0]!.promotionId, kind: failure.kind }, "promotion images failed outside the copy");
    return images.map(() => ({ status: "failed", kind: failure.kind, message: redact(failure.message, secrets()) }));
  } finally {
    await Promise.all([registries.close(), meter.flush()]);
  }
}

/** ECR and Artifact Registry need a repository before the first push: created through the provider's API. */
async function ensureRepository(
  registries: PromotionRegistries,
  repository: string,
  signal: AbortSignal,
  secrets: () => string[],
): Promise<ImageOutcome | undefined> {
  const { adapter } = registries.target;
  if (!providerInfo(adapter.provider).createsRepositories || !adapter.createRepository) return undefined;
  try {
    await adapter.createRepository(repository, { signal });
    return undefined;
  } catch (error) {
    if (signal.aborted) throw error;
    const kind = isOciError(error) && error.kind !== "invalid" ? error.kind : "denied";
    const why = error instanceof Error ? error.message : String(error);
    return {
      status: "failed",
      kind,
      message: redact(`target: could not create the repository ${repository}: ${why}`, secrets())
        .split("\n")[0]!
        .slice(0, 500),
    };
  }
}

/** A pushed image counts only once the target serves the source's digest under the tag. */
async function outcomeOf(
  result: ImageResult,
  image: ClaimedImage,
  registries: PromotionRegistries,
  signal: AbortSignal,
  writer: ImageProgressWriter,
  secrets: () => string[],
): Promise<CopyOutcome> {
  if (result.status === "stopped") return "stopped";
  const target = parseReference(image.targetRef);
  if (result.status === "failed") {
    const refused = result.side === "target" && (result.kind === "auth" || result.kind === "denied");
    const hint = refused
      ? providerInfo(registries.target.adapter.provider).refusedPushHint?.(target.repository)
      : undefined;
    const message = redact(result.message, secrets()) + (hint ? `; ${hint}` : "");
    return { status: "failed", kind: result.kind, message };
  }
  const head = await headManifest({
    client: registries.target.client,
    repository: target.repository,
    reference: target.tag ?? result.digest,
    push: true,
    signal,
  });
  const { bytesTotal, blobsTotal } = writer.snapshot;
  if (!head || head.digest !== image.digest) {
    return {
      status: "failed",
      kind: "digest_mismatch",
      message: `target ${image.targetRef} answers ${head ? head.digest : "no manifest"} after the push; expected ${image.digest}`,
    };
  }
  return {
    status: "pushed",
    targetDigest: head.digest,
    upToDate: result.upToDate,
    bytesTransferred: result.bytesTransferred,
    bytesTotal,
    blobsTotal,
    signatures: result.cosignTags.map(({ kind, tag, digest, count }) => ({ kind, tag, digest, count })),
  };
}
