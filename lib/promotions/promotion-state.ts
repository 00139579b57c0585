import type { ImageStatus, PromotionStatus } from "@/lib/db/generated/client";
import type { Tx } from "@/lib/db/prisma";
import { emitWebhookEvent } from "@/lib/webhooks/emit-webhook-event";
import type { WebhookEvent } from "@/lib/webhooks/webhook-events";
import { notifyPromotionProgress } from "./promotion-progress-channel";

/** Statuses a promotion leaves only by an operator's action or an approval decision. */
const HELD: ReadonlySet<PromotionStatus> = new Set(["awaiting_approval", "rejected", "withdrawn"]);
const FINISHED: ReadonlySet<PromotionStatus> = new Set(["succeeded", "failed", "stopped"]);

/**
 * Locks the promotion row for the rest of the transaction. Every change of an image's status
 * takes this lock first, so two images finishing at once aggregate one after the other and
 * the last one sees both outcomes.
 */
export async function lockPromotion(tx: Tx, promotionId: string): Promise<PromotionStatus | null> {
  const rows = await tx.$queryRaw<
    { status: PromotionStatus }[]
  >`SELECT status FROM "Promotion" WHERE id = ${promotionId} FOR UPDATE`;
  return rows[0]?.status ?? null;
}

/**
 * The promotion's status from its images: running (or still queued if none started) while
 * any is pending or pushing, else stopped if any was stopped, failed if any failed; when all
 * are pushed (by digest), running until the tag step is done, then succeeded (or failed if
 * the tag step failed). Call with the promotion locked; writes the status with its start and
 * finish times, notifies listeners, and answers the change — with `tagsDue` when every image
 * is pushed and the tags are still to move (see move-promotion-tags.ts).
 */
export async function aggregatePromotion(
  tx: Tx,
  promotionId: string,
): Promise<{ before: PromotionStatus; after: PromotionStatus; tagsDue: boolean }> {
  const promotion = await tx.promotion.findUniqueOrThrow({
    where: { id: promotionId },
    select: { status: true, startedAt: true, tagsMovedAt: true, tagsFailure: true },
  });
  const images = await tx.promotionImage.findMany({ where: { promotionId }, select: { status: true } });
  const before = promotion.status;
  if (HELD.has(before)) return { before, after: before, tagsDue: false };
  const after = statusFrom(before, images, promotion);
  const tagsDue =
    after === "running" &&
    images.every((image) => image.status === "pushed") &&
    !promotion.tagsMovedAt &&
    !promotion.tagsFailure;
  const now = new Date();
  await tx.promotion.update({
    where: { id: promotionId },
    data: {
      status: after,
      ...(after === "running" && !promotion.startedAt ? { startedAt: now } : {}),
      finishedAt: FINISHED.has(after) ? (FINISHED.has(before) && before === after ? undefined : now) : null,
    },
  });
  await notifyPromotionProgress(tx, promotionId);
  const event = before === after ? undefined : EVENT_OF[after];
  if (event) await emitWebhookEvent(tx, { event, promotionId, data: { previousStatus: before } });
  return { before, after, tagsDue };
}

/** The webhook event a change into this status sends (running: the copy started). */
const EVENT_OF: Partial<Record<PromotionStatus, WebhookEvent>> = {
  running: "promotion.started",
  succeeded: "promotion.succeeded",
  failed: "promotion.failed",
  stopped: "promotion.stopped",
};

function statusFrom(
  current: PromotionStatus,
  images: { status: ImageStatus }[],
  tags: { tagsMovedAt: Date | null; tagsFailure: string | null },
): PromotionStatus {
  const has = (status: ImageStatus) => images.some((image) => image.status === status);
  if (has("pushing")) return "running";
  if (has("pending")) return current === "queued" ? "queued" : "running";
  if (has("stopped")) return "stopped";
  if (has("failed")) return "failed";
  if (tags.tagsFailure) return "failed";
  return tags.tagsMovedAt ? "succeeded" : "running";
}
