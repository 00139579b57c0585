import type { Tx } from "@/lib/db/prisma";
import { bossSchema } from "@/lib/queue/boss";
import { promoteImageJob } from "@/lib/queue/jobs/promote-image";
import { cancelJobs, sendJob, sendJobs } from "@/lib/queue/send-job";

/**
 * Enqueues the copy of one image inside `tx`: the job exists only if the transaction commits.
 * The singleton key makes a second wake-up for an image that already has one waiting a no-op
 * (the queue's "stately" policy: at most one queued and one running per image).
 */
export async function enqueuePromoteImage(tx: Tx, promotionImageId: string): Promise<void> {
  await sendJob(promoteImageJob, { promotionImageId }, { tx, singletonKey: promotionImageId });
}

/** enqueuePromoteImage for several images at once: one INSERT and one wake-up. */
export async function enqueuePromoteImages(tx: Tx, promotionImageIds: string[]): Promise<void> {
  await sendJobs(
    promoteImageJob,
    promotionImageIds.map((promotionImageId) => ({ payload: { promotionImageId }, singletonKey: promotionImageId })),
    { tx },
  );
}

/**
 * Cancels the running job of an image whose worker died. Under the "stately" policy a
 * dead worker's job stays active until it expires and blocks the next one for the same
 * image; recovery calls this once the row shows the worker stopped reporting.
 */
export async function cancelRunningImageJobs(tx: Tx, promotionImageId: string): Promise<void> {
  const rows = await tx.$queryRawUnsafe<{ id: string }[]>(
    `SELECT id::text AS id FROM ${bossSchema}.job WHERE name = $1 AND singleton_key = $2 AND state = 'active'`,
    promoteImageJob.name,
    promotionImageId,
  );
  await cancelJobs(
    promoteImageJob,
    rows.map((r) => r.id),
    { tx },
  );
}
