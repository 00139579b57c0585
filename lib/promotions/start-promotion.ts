import type { PromotionStatus } from "@/lib/db/generated/client";
import type { Tx } from "@/lib/db/prisma";
import { enqueuePromoteImages } from "./promote-image-queue";
import { notifyPromotionProgress } from "./promotion-progress-channel";

/**
 * Starts running a promotion: marks it queued and enqueues one job per pending image, all
 * inside the caller's transaction, so nothing is enqueued for a change that rolls back.
 * createPromotion calls it when no approval is needed; the approval workflow calls it once
 * the approvals are in; resume and retry call it after putting images back to pending.
 */
export async function startPromotion(tx: Tx, promotionId: string): Promise<void> {
  // A promotion with images still pushing stays running; its status follows its images.
  await tx.promotion.updateMany({
    where: { id: promotionId, status: { not: "running" } },
    data: { status: "queued", finishedAt: null },
  });
  const pending = await tx.promotionImage.findMany({
    where: { promotionId, status: "pending" },
    select: { id: true },
    orderBy: { component: "asc" },
  });
  await enqueuePromoteImages(
    tx,
    pending.map((image) => image.id),
  );
  await notifyPromotionProgress(tx, promotionId);
}

/**
 * Resume and retry: the promotion's images in `status` go back to pending, as if never tried,
 * and the promotion starts again. Answers how many went back and the promotion's new status.
 */
export async function restartImages(
  tx: Tx,
  promotionId: string,
  status: "stopped" | "failed" | "pushed",
): Promise<{ count: number; status: PromotionStatus }> {
  const { count } = await tx.promotionImage.updateMany({
    where: { promotionId, status },
    data: {
      status: "pending",
      workerId: null,
      heartbeatAt: null,
      finishedAt: null,
      failureKind: null,
      failureMessage: null,
      // A failed image may have left a digest from an earlier try; a stopped one keeps what it verified.
      ...(status === "failed" ? { targetDigest: null } : {}),
    },
  });
  await startPromotion(tx, promotionId);
  const promotion = await tx.promotion.findUniqueOrThrow({ where: { id: promotionId }, select: { status: true } });
  return { count, status: promotion.status };
}
