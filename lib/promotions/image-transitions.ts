import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import type { FailureKind, Prisma } from "@/lib/db/generated/client";
import { db, type Tx } from "@/lib/db/prisma";
import { cancelRunningImageJobs, enqueuePromoteImage } from "./promote-image-queue";
import type { PlannedSignature } from "./promotion-plan";
import { aggregatePromotion, lockPromotion } from "./promotion-state";

/**
 * The worker's changes of an image's status. Each runs in one transaction that locks the
 * promotion first (see lockPromotion), changes the image only if it is still in the state
 * the worker believes, re-derives the promotion's status and audits outcomes as "system"
 * (the worker has no request context).
 */

export interface ClaimedImage {
  id: string;
  promotionId: string;
  component: string;
  sourceRef: string;
  targetRef: string;
  digest: string;
  attempts: number;
}

/**
 * Takes a pending image for this worker, and with it up to `limit - 1` more pending images
 * of the same promotion (their own jobs then find them taken and exit): copied in one call,
 * images that share blobs move them once and mount them, as `gantry copy` does. Empty when
 * the image is not pending or its promotion is not running: the job was only a wake-up.
 */
export async function claimImages(imageId: string, workerId: string, limit: number): Promise<ClaimedImage[]> {
  const found = await db().promotionImage.findUnique({ where: { id: imageId }, select: { promotionId: true } });
  if (!found) return [];
  return db().$transaction(async (tx) => {
    const status = await lockPromotion(tx, found.promotionId);
    if (status !== "queued" && status !== "running") return [];
    const own = await tx.promotionImage.findUnique({ where: { id: imageId }, select: { status: true } });
    if (own?.status !== "pending") return [];
    const siblings = await tx.promotionImage.findMany({
      where: { promotionId: found.promotionId, status: "pending", id: { not: imageId } },
      select: { id: true },
      orderBy: { component: "asc" },
      take: Math.max(0, limit - 1),
    });
    const ids = [imageId, ...siblings.map((s) => s.id)];
    const now = new Date();
    await tx.promotionImage.updateMany({
      where: { id: { in: ids }, status: "pending" },
      data: {
        status: "pushing",
        workerId,
        heartbeatAt: now,
        attempts: { increment: 1 },
        failureKind: null,
        failureMessage: null,
        notice: null,
        finishedAt: null,
      },
    });
    await tx.promotionImage.updateMany({ where: { id: { in: ids }, startedAt: null }, data: { startedAt: now } });
    await aggregatePromotion(tx, found.promotionId);
    const claimed = await tx.promotionImage.findMany({
      where: { id: { in: ids }, status: "pushing", workerId },
      select: {
        id: true,
        promotionId: true,
        component: true,
        sourceRef: true,
        targetRef: true,
        digest: true,
        attempts: true,
      },
      orderBy: { component: "asc" },
    });
    return claimed;
  });
}

export type ImageOutcome =
  | {
      status: "pushed";
      targetDigest: string;
      upToDate: boolean;
      /** The top manifest as pushed by digest, kept for the tag step (move-promotion-tags.ts). */
      manifest?: { bytes: Uint8Array; mediaType: string };
      bytesTransferred: number;
      bytesTotal: number;
      blobsTotal: number;
      /** cosign tags copied with it. */
      signatures?: PlannedSignature[];
    }
  | {
      status: "failed";
      kind: FailureKind;
      message: string;
      /** Which registry failed, when the copy could tell: the failure then counts against its health. */
      side?: "source" | "target";
    };

/**
 * Records a copy's outcome; `recorded` false when the image was no longer this worker's
 * (stopped meanwhile). `tagsDue` is true for the one transaction that found every image of
 * the promotion pushed (the promotion row is locked): that worker moves the tags.
 */
export async function finishImage(
  image: ClaimedImage,
  workerId: string,
  outcome: ImageOutcome,
): Promise<{ recorded: boolean; tagsDue: boolean }> {
  return db().$transaction(async (tx) => {
    await lockPromotion(tx, image.promotionId);
    // An up-to-date image reports no progress: keep the plan's totals, all done.
    const planned = await tx.promotionImage.findUniqueOrThrow({
      where: { id: image.id },
      select: { bytesTotal: true, blobsTotal: true },
    });
    const bytesTotal =
      outcome.status === "pushed" && outcome.bytesTotal > 0 ? BigInt(outcome.bytesTotal) : planned.bytesTotal;
    const blobsTotal = outcome.status === "pushed" && outcome.blobsTotal > 0 ? outcome.blobsTotal : planned.blobsTotal;
    const data =
      outcome.status === "pushed"
        ? {
            status: "pushed" as const,
            targetDigest: outcome.targetDigest,
            ...(outcome.manifest
              ? {
                  manifest: new Uint8Array(outcome.manifest.bytes),
                  manifestMediaType: outcome.manifest.mediaType,
                }
              : {}),
            bytesDone: bytesTotal,
            bytesTotal,
            blobsDone: blobsTotal,
            blobsTotal,
            ...(outcome.signatures ? { signatures: outcome.signatures as unknown as Prisma.InputJsonValue } : {}),
            // The target had the manifest already (found so again after a stop): the whole image
            // was there, and the view says so (no layer moved in this attempt).
            ...(outcome.upToDate ? { layers: [] } : {}),
          }
        : { status: "failed" as const, failureKind: outcome.kind, failureMessage: outcome.message };
    const { count } = await tx.promotionImage.updateMany({
      where: { id: image.id, status: "pushing", workerId },
      data: { ...data, notice: null, finishedAt: new Date(), heartbeatAt: new Date() },
    });
    if (count === 0) return { recorded: false, tagsDue: false };
    const { tagsDue } = await auditImageOutcome(
      tx,
      image,
      outcome.status === "pushed"
        ? {
            outcome: "pushed",
            targetDigest: outcome.targetDigest,
            upToDate: outcome.upToDate,
            bytesTransferred: outcome.bytesTransferred,
          }
        : { outcome: "failed", kind: outcome.kind, message: outcome.message },
    );
    return { recorded: true, tagsDue };
  });
}

/** Gives the image back (the worker is shutting down): pending again, with a new wake-up for another worker. */
export async function handBackImage(image: ClaimedImage, workerId: string): Promise<void> {
  await db().$transaction(async (tx) => {
    await lockPromotion(tx, image.promotionId);
    await requeueImage(tx, image, {
      where: { status: "pushing", workerId },
      detail: { reason: "the worker copying it shut down" },
    });
  });
}

/**
 * Puts an image that is still as `where` says back to pending (with the promotion locked),
 * wakes a worker for it, and records why. False when the image had moved on meanwhile.
 */
export async function requeueImage(
  tx: Tx,
  image: Pick<ClaimedImage, "id" | "promotionId" | "component">,
  options: {
    where: Prisma.PromotionImageWhereInput;
    detail: Record<string, unknown>;
    /** A dead worker's job still holds the image's "stately" slot: cancel it before the new wake-up. */
    cancelRunningJob?: boolean;
  },
): Promise<boolean> {
  const { count } = await tx.promotionImage.updateMany({
    where: { ...options.where, id: image.id },
    data: { status: "pending", workerId: null },
  });
  if (count === 0) return false;
  if (options.cancelRunningJob) await cancelRunningImageJobs(tx, image.id);
  await enqueuePromoteImage(tx, image.id);
  await aggregatePromotion(tx, image.promotionId);
  await recordAuditEvent(tx, {
    action: "promotion.image_requeued",
    targetType: "promotion",
    targetId: image.promotionId,
    detail: { component: image.component, ...options.detail },
  });
  return true;
}

/**
 * Audits an image's outcome and, when it settles the promotion, the promotion's outcome.
 * Call with the promotion locked and the image already written.
 */
export async function auditImageOutcome(
  tx: Tx,
  image: { id: string; promotionId: string; component: string; targetRef: string },
  detail:
    | { outcome: "pushed"; targetDigest: string; upToDate: boolean; bytesTransferred: number }
    | { outcome: "failed"; kind: string; message: string },
): Promise<{ tagsDue: boolean }> {
  const { outcome, ...rest } = detail;
  await recordAuditEvent(tx, {
    action: outcome === "pushed" ? "promotion.image_pushed" : "promotion.image_failed",
    targetType: "promotion",
    targetId: image.promotionId,
    detail: { imageId: image.id, component: image.component, target: image.targetRef, ...rest },
  });
  const { before, after, tagsDue } = await aggregatePromotion(tx, image.promotionId);
  await auditPromotionOutcome(tx, image.promotionId, { before, after });
  return { tagsDue };
}

/** Audits the promotion's outcome when this change settled it (succeeded or failed). */
export async function auditPromotionOutcome(
  tx: Tx,
  promotionId: string,
  { before, after }: { before: string; after: string },
): Promise<void> {
  if (before === after || (after !== "succeeded" && after !== "failed")) return;
  const images = await tx.promotionImage.groupBy({ by: ["status"], where: { promotionId }, _count: true });
  await recordAuditEvent(tx, {
    action: `promotion.${after}`,
    targetType: "promotion",
    targetId: promotionId,
    detail: {
      before: { status: before },
      after: { status: after },
      images: Object.fromEntries(images.map((g) => [g.status, g._count])),
    },
  });
}
