import { db } from "@/lib/db/prisma";
import { auditImageOutcome, requeueImage } from "./image-transitions";
import { cancelRunningImageJobs, enqueuePromoteImages } from "./promote-image-queue";
import { movePromotionTags } from "./move-promotion-tags";
import { lockPromotion } from "./promotion-state";
import { promotionSettings } from "./promotion-settings";

export interface RecoveryReport {
  /** Stalled images put back to pending and enqueued. */
  requeued: number;
  /** Stalled images that had used up their attempts. */
  failed: number;
  /** Pending images of running promotions whose wake-up was sent again. */
  woken: number;
  /** Promotions with every image pushed but no tags moved for a while (their worker died): tag step re-run. */
  tagSteps: number;
}

/**
 * Finds images whose worker stopped reporting (killed, or cut off from the database) and
 * puts them back to pending with a new job — or fails them as `network` once they used up
 * their attempts. Also re-sends the wake-up of every pending image of a queued or running
 * promotion, so a lost job cannot strand an image (the queue drops duplicates), and re-runs
 * the tag step of a promotion whose images are all pushed but whose tags did not move (the
 * worker that pushed the last one died before it was done; the step is idempotent).
 */
export async function recoverStalledImages(
  options: { stallSeconds?: number; maxAttempts?: number; now?: Date } = {},
): Promise<RecoveryReport> {
  const settings = promotionSettings();
  const stallSeconds = options.stallSeconds ?? settings.stallSeconds;
  const maxAttempts = options.maxAttempts ?? settings.maxAttempts;
  const cutoff = new Date((options.now ?? new Date()).getTime() - stallSeconds * 1000);
  const report: RecoveryReport = { requeued: 0, failed: 0, woken: 0, tagSteps: 0 };

  const stalled = await db().promotionImage.findMany({
    where: { status: "pushing", OR: [{ heartbeatAt: { lt: cutoff } }, { heartbeatAt: null }] },
    select: {
      id: true,
      promotionId: true,
      component: true,
      targetRef: true,
      attempts: true,
      workerId: true,
      heartbeatAt: true,
    },
  });
  for (const image of stalled) {
    await db().$transaction(async (tx) => {
      await lockPromotion(tx, image.promotionId);
      // Only if nothing changed since it was read: a worker that reported meanwhile keeps it.
      const still = {
        id: image.id,
        status: "pushing" as const,
        workerId: image.workerId,
        heartbeatAt: image.heartbeatAt,
      };
      const why = `the worker copying it (${image.workerId ?? "unknown"}) stopped reporting for over ${stallSeconds} s`;
      if (image.attempts >= maxAttempts) {
        const message = `gave up after ${image.attempts} attempts: ${why}`;
        const { count } = await tx.promotionImage.updateMany({
          where: still,
          data: {
            status: "failed",
            failureKind: "network",
            failureMessage: message,
            workerId: null,
            finishedAt: new Date(),
          },
        });
        if (count === 0) return;
        report.failed += 1;
        await cancelRunningImageJobs(tx, image.id);
        await auditImageOutcome(tx, image, { outcome: "failed", kind: "network", message });
        return;
      }
      const detail = { reason: why, attempts: image.attempts };
      if (await requeueImage(tx, image, { where: still, detail, cancelRunningJob: true })) report.requeued += 1;
    });
  }

  const pending = await db().promotionImage.findMany({
    where: { status: "pending", promotion: { status: { in: ["queued", "running"] } } },
    select: { id: true },
  });
  if (pending.length > 0) {
    await db().$transaction((tx) =>
      enqueuePromoteImages(
        tx,
        pending.map((image) => image.id),
      ),
    );
    report.woken = pending.length;
  }

  const untagged = await db().promotion.findMany({
    where: {
      status: "running",
      tagsMovedAt: null,
      tagsFailure: null,
      updatedAt: { lt: cutoff },
      images: { every: { status: "pushed" } },
    },
    select: { id: true },
  });
  for (const promotion of untagged) {
    if ((await movePromotionTags(promotion.id)) !== "not-due") report.tagSteps += 1;
  }
  return report;
}
