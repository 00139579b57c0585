import "server-only";
import { isUserError } from "@/lib/change/errors";
import { recordConnectionUse } from "@/lib/connections/record-connection-use";
import { db } from "@/lib/db/prisma";
import { copyImages, DEFAULT_BLOB_CONCURRENCY } from "@/lib/oci/copy-images";
import type { Digest } from "@/lib/oci/digest";
import { failureOf } from "@/lib/oci/failure";
import { redact } from "@/lib/oci/redact";
import { formatReference, parseReference } from "@/lib/oci/reference";
import type { Throttle } from "@/lib/oci/transport/throttle";
import { log } from "@/lib/log";
import { BlobTransferMeter } from "@/lib/metrics/blob-transfer-meter";
import { openBandwidthShare } from "./bandwidth-share";
import { copyFromBundle } from "./copy-from-bundle";
import { ensureRepository, outcomeOf, type CopyOutcome } from "./image-copy-outcome";
import { ImageProgressWriter } from "./image-progress-writer";
import { claimImages, finishImage, handBackImage, type ClaimedImage } from "./image-transitions";
import { movePromotionTags } from "./move-promotion-tags";
import { openPromotionRegistries, type PromotionRegistries } from "./open-promotion-registries";
import { promotionSettings } from "./promotion-settings";
import { watchPromotionImages } from "./watch-promotion-images";

export type ImageRunResult = "pushed" | "failed" | "stopped" | "handed-back";

/**
 * The promote-image job: claims the image row (the job is only a wake-up; a row that is not
 * pending means another worker has it or it was stopped), together with the promotion's
 * other pending images, and copies them in one lib/oci call — one blob limiter for the
 * promotion, shared blobs moved once and mounted by the others. Progress is persisted per
 * image, each pushed image's digest verified at the target and each outcome recorded. Images
 * go by digest; the worker that records the last one moves every tag (move-promotion-tags.ts).
 * An operator's stop aborts the copy within a watch tick; a worker shutdown hands images back.
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
    let tagsDue = false;
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
      const finished = await finishImage(image, context.workerId, outcome);
      results[image.component] = finished.recorded ? outcome.status : "stopped";
      tagsDue ||= finished.tagsDue;
    }
    // This worker pushed the promotion's last image: the tags move now, all together.
    if (tagsDue) await movePromotionTags(images[0]!.promotionId);
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
      release: {
        select: {
          tag: true,
          bundlePath: true,
          channel: { select: { sourceRegistryId: true, copySignatures: true } },
        },
      },
    },
  });
  const { sourceRegistryId } = promotion.release.channel;
  if (!sourceRegistryId) return copyFromBundle(images, signal, writers, promotion, throttle);
  let registries: PromotionRegistries;
  try {
    const timeouts = { lowSpeedWindowMs: promotionSettings().lowSpeedSeconds * 1000 };
    registries = await openPromotionRegistries(
      { sourceRegistryId, targetRegistryId: promotion.targetRegistryId },
      { timeouts, targetThrottle: throttle },
    );
  } catch (error) {
    const message = isUserError(error) ? error.message : "the registries could not be opened";
    return images.map(() => ({ status: "failed", kind: "denied", message }));
  }
  const secrets = () => [...registries.source.secrets(), ...registries.target.secrets()];
  const registryIds = {
    source: sourceRegistryId,
    target: promotion.targetRegistryId,
  };
  const meter = new BlobTransferMeter(promotion.targetRegistryId);
  try {
    const outcomes: (CopyOutcome | undefined)[] = [];
    const items: { index: number; source: string; target: ReturnType<typeof parseReference> }[] = [];
    for (const [index, image] of images.entries()) {
      const source = parseReference(image.sourceRef);
      const target = parseReference(image.targetRef);
      outcomes[index] = await ensureRepository(registries.target, target.repository, signal, secrets);
      if (!outcomes[index])
        items.push({
          index,
          source: formatReference({
            registry: source.registry,
            repository: source.repository,
            digest: image.digest as `sha256:${string}`,
          }),
          // By digest: the tags move only once every component is at the target (move-promotion-tags.ts).
          target: { registry: target.registry, repository: target.repository, digest: image.digest as Digest },
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
        registries.target,
        signal,
        writers[item.index]!,
        secrets,
      );
    }
    await recordRegistryUse(registryIds, outcomes as CopyOutcome[]);
    return outcomes as CopyOutcome[];
  } catch (error) {
    if (signal.aborted) return images.map(() => "stopped" as const);
    const failure = failureOf(error);
    log.warn({ promotionId: images[0]!.promotionId, kind: failure.kind }, "promotion images failed outside the copy");
    const failed = images.map(() => ({
      status: "failed" as const,
      kind: failure.kind,
      message: redact(failure.message, secrets()),
      ...(failure.side ? { side: failure.side } : {}),
    }));
    await recordRegistryUse(registryIds, failed);
    return failed;
  } finally {
    await Promise.all([registries.close(), meter.flush()]);
  }
}

/**
 * What this copy showed of each registry's health, once per job: a pushed image means both
 * answered; a failure counts against the side it names (a size limit or a policy denial names none).
 */
async function recordRegistryUse(registryIds: { source: string; target: string }, outcomes: CopyOutcome[]) {
  const settled = outcomes.filter((outcome) => outcome !== "stopped");
  for (const side of ["source", "target"] as const) {
    const failure = settled.find((outcome) => outcome.status === "failed" && outcome.side === side);
    if (failure?.status === "failed")
      await recordConnectionUse(registryIds[side], { by: "promotion", ok: false, error: failure.message });
    else if (settled.some((outcome) => outcome.status === "pushed"))
      await recordConnectionUse(registryIds[side], { by: "promotion", ok: true });
  }
}
