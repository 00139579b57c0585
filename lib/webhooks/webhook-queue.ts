import "server-only";
import { db, type Tx } from "@/lib/db/prisma";
import { log } from "@/lib/log";
import { deliverWebhookJob } from "@/lib/queue/jobs/deliver-webhook";
import { sendJob, type JobConnection } from "@/lib/queue/send-job";

/**
 * Wakes the worker for these deliveries inside the emitting transaction: the jobs exist
 * only if it commits. A failed enqueue (no queue yet, pg-boss not installed) must not undo
 * the caller's change, so it runs under a savepoint and is left to the sweep.
 */
export async function enqueueDeliveriesInTransaction(tx: Tx, deliveryIds: readonly string[]): Promise<void> {
  if (deliveryIds.length === 0) return;
  await tx.$executeRawUnsafe("SAVEPOINT gantry_webhook_enqueue");
  try {
    for (const deliveryId of deliveryIds) await send(tx, deliveryId);
    await tx.$executeRawUnsafe("RELEASE SAVEPOINT gantry_webhook_enqueue");
  } catch (error) {
    await tx.$executeRawUnsafe("ROLLBACK TO SAVEPOINT gantry_webhook_enqueue");
    log.warn(
      { err: { message: (error as Error).message }, deliveries: deliveryIds.length },
      "webhook enqueue failed; the sweep will send them",
    );
  }
}

/** Wakes the worker for one delivery now, or after `delaySeconds` (a retry). */
export async function enqueueDelivery(
  deliveryId: string,
  options: { delaySeconds?: number } = {},
): Promise<string | null> {
  return send(db(), deliveryId, options.delaySeconds);
}

/** Pending deliveries whose attempt is due (missed wake-ups, a worker that died mid-attempt). */
export async function dueDeliveryIds(limit = 500): Promise<string[]> {
  const rows = await db().webhookDelivery.findMany({
    where: { status: "pending", nextAttemptAt: { lte: new Date() } },
    select: { id: true },
    orderBy: { nextAttemptAt: "asc" },
    take: limit,
  });
  return rows.map((row) => row.id);
}

/** Deletes delivered and failed deliveries older than `days`; pending ones stay whatever their age. */
export async function pruneFinishedDeliveries(days = 30): Promise<number> {
  const { count } = await db().webhookDelivery.deleteMany({
    where: { status: { in: ["delivered", "failed"] }, createdAt: { lt: new Date(Date.now() - days * 86_400_000) } },
  });
  return count;
}

/** The singleton key with the queue's "stately" policy: at most one wake-up waiting per delivery. */
function send(tx: JobConnection, deliveryId: string, startAfterSeconds?: number): Promise<string | null> {
  return sendJob(deliverWebhookJob, { deliveryId }, { tx, singletonKey: deliveryId, startAfterSeconds });
}
