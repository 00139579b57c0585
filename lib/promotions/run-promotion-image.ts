import "server-only";
import { isUserError } from "@/lib/actions/errors";
import { db } from "@/lib/db/prisma";
import { copyImages, DEFAULT_BLOB_CONCURRENCY, type ImageResult } from "@/lib/oci/copy-images";
import { isOciError } from "@/lib/oci/errors";
import { failureOf } from "@/lib/oci/failure";
import { redact } from "@/lib/oci/redact";
import { formatReference, parseReference } from "@/lib/oci/reference";
import { headManifest } from "@/lib/oci/remote-manifest";
import { providerInfo } from "@/lib/registries/providers";
import { log } from "@/lib/log";
import { ImageProgressWriter } from "./image-progress-writer";
import { claimImage, finishImage, handBackImage, type ClaimedImage, type ImageOutcome } from "./image-transitions";
import { openPromotionRegistries, type PromotionRegistries } from "./open-promotion-registries";
import { promotionSettings } from "./promotion-settings";
import { watchPromotionImage } from "./watch-promotion-image";

export type ImageRunResult = "skipped" | "pushed" | "failed" | "stopped" | "handed-back";

/**
 * The promote-image job: claims the image row (the job is only a wake-up; a row that is not
 * pending means another worker has it or it was stopped), copies that one image with its
 * progress persisted, verifies the target's digest and records the outcome. An operator's
 * stop aborts the copy within a watch tick; a worker shutdown hands the image back.
 */
export async function runPromotionImage(promotionImageId: string, context: { workerId: string; signal: AbortSignal }): Promise<ImageRunResult> {
  const image = await claimImage(promotionImageId, context.workerId);
  if (!image) return "skipped";
  const settings = promotionSettings();
  const controller = new AbortController();
  let lost = false;
  const release = () => {
    lost = true;
    controller.abort(new Error("the image is no longer this worker's"));
  };
  const onShutdown = () => controller.abort(new Error("the worker is shutting down"));
  if (context.signal.aborted) onShutdown();
  context.signal.addEventListener("abort", onShutdown, { once: true });
  const writer = new ImageProgressWriter({ ...image, workerId: context.workerId }, { intervalMs: settings.progressIntervalMs, onLost: release });
  const stopWatch = watchPromotionImage({ id: image.id, workerId: context.workerId }, { watchMs: settings.watchMs, heartbeatMs: settings.heartbeatMs, onLost: release });
  try {
    const outcome = await copyOne(image, controller.signal, writer);
    await writer.close();
    if (outcome === "stopped") {
      if (lost) return "stopped";
      await handBackImage(image, context.workerId);
      return "handed-back";
    }
    const recorded = await finishImage(image, context.workerId, outcome);
    return recorded ? outcome.status : "stopped";
  } finally {
    stopWatch();
    context.signal.removeEventListener("abort", onShutdown);
    await writer.close().catch(() => undefined);
  }
}

async function copyOne(image: ClaimedImage, signal: AbortSignal, writer: ImageProgressWriter): Promise<ImageOutcome | "stopped"> {
  const promotion = await db().promotion.findUniqueOrThrow({
    where: { id: image.promotionId },
    select: { targetRegistryId: true, targetRegistry: { select: { sizeLimitBytes: true } }, release: { select: { channel: { select: { sourceRegistryId: true } } } } },
  });
  let registries: PromotionRegistries;
  try {
    registries = await openPromotionRegistries({ sourceRegistryId: promotion.release.channel.sourceRegistryId, targetRegistryId: promotion.targetRegistryId });
  } catch (error) {
    return { status: "failed", kind: "denied", message: isUserError(error) ? error.message : "the registries could not be opened" };
  }
  const secrets = () => [...registries.source.secrets(), ...registries.target.secrets()];
  try {
    const source = parseReference(image.sourceRef);
    const target = parseReference(image.targetRef);
    const created = await ensureRepository(registries, target.repository, signal, secrets);
    if (created) return created;

    const sizeLimit = promotion.targetRegistry.sizeLimitBytes;
    const result = await copyImages({
      source: registries.source.client,
      target: registries.target.client,
      items: [{ source: formatReference({ registry: source.registry, repository: source.repository, digest: image.digest as `sha256:${string}` }), target }],
      concurrency: DEFAULT_BLOB_CONCURRENCY,
      ...(sizeLimit === null ? {} : { sizeLimitBytes: Number(sizeLimit) }),
      signal,
      onProgress: (event) => writer.push(event),
    });
    return await outcomeOf(result.images[0]!, image, registries, signal, writer, secrets);
  } catch (error) {
    if (signal.aborted) return "stopped";
    const failure = failureOf(error);
    log.warn({ imageId: image.id, kind: failure.kind }, "promotion image failed outside the copy");
    return { status: "failed", kind: failure.kind, message: redact(failure.message, secrets()) };
  } finally {
    await registries.close();
  }
}

/** ECR and Artifact Registry need a repository before the first push: created through the provider's API. */
async function ensureRepository(registries: PromotionRegistries, repository: string, signal: AbortSignal, secrets: () => string[]): Promise<ImageOutcome | undefined> {
  const { adapter } = registries.target;
  if (!providerInfo(adapter.provider).createsRepositories || !adapter.createRepository) return undefined;
  try {
    await adapter.createRepository(repository, { signal });
    return undefined;
  } catch (error) {
    if (signal.aborted) throw error;
    const kind = isOciError(error) && error.kind !== "invalid" ? error.kind : "denied";
    const why = error instanceof Error ? error.message : String(error);
    return { status: "failed", kind, message: redact(`target: could not create the repository ${repository}: ${why}`, secrets()).split("\n")[0]!.slice(0, 500) };
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
): Promise<ImageOutcome | "stopped"> {
  if (result.status === "stopped") return "stopped";
  if (result.status === "failed") return { status: "failed", kind: result.kind === ("invalid" as string) ? "denied" : result.kind, message: redact(result.message, secrets()) };
  const target = parseReference(image.targetRef);
  const head = await headManifest({ client: registries.target.client, repository: target.repository, reference: target.tag ?? result.digest, push: true, signal });
  const { bytesTotal, blobsTotal } = writer.snapshot;
  if (!head || head.digest !== image.digest) {
    return {
      status: "failed",
      kind: "digest_mismatch",
      message: `target ${image.targetRef} answers ${head ? head.digest : "no manifest"} after the push; expected ${image.digest}`,
    };
  }
  return { status: "pushed", targetDigest: head.digest, upToDate: result.upToDate, bytesTransferred: result.bytesTransferred, bytesTotal, blobsTotal };
}
