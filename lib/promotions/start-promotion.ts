import type { Tx } from "@/lib/db/prisma";
import { enqueuePromoteImage } from "./promote-image-queue";
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
  for (const image of pending) await enqueuePromoteImage(tx, image.id);
  await notifyPromotionProgress(tx, promotionId);
}
