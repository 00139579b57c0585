import PgBoss from "pg-boss";
import { z } from "zod";
import type { Tx } from "@/lib/db/prisma";
import { bossSchema } from "@/lib/queue/boss";

/** The queue of image copies: one job per PromotionImage, a wake-up only — the row is the truth. */
export const PROMOTE_IMAGE_JOB = "promote-image";

export const promoteImagePayloadSchema = z.object({ promotionImageId: z.string().min(1) });

/**
 * pg-boss used only to build its INSERT: every send passes the caller's transaction as
 * `db`, so no pool is opened here and a job exists only if the transaction that asked for
 * it commits.
 */
let sender: PgBoss | undefined;

/**
 * Enqueues the copy of one image inside `tx`. The singleton key makes a second wake-up for
 * an image that already has one waiting a no-op (the queue's "stately" policy: at most one
 * queued and one running per image).
 */
export async function enqueuePromoteImage(tx: Tx, promotionImageId: string): Promise<void> {
  sender ??= createSender();
  const data = promoteImagePayloadSchema.parse({ promotionImageId });
  await sender.send(PROMOTE_IMAGE_JOB, data, { singletonKey: promotionImageId, db: txExecutor(tx) });
}

/**
 * Cancels the running job of an image whose worker died. Under the "stately" policy a
 * dead worker's job stays active until it expires and blocks the next one for the same
 * image; recovery calls this once the row shows the worker stopped reporting.
 */
export async function cancelRunningImageJobs(tx: Tx, promotionImageId: string): Promise<void> {
  sender ??= createSender();
  const rows = await tx.$queryRawUnsafe<{ id: string }[]>(
    `SELECT id::text AS id FROM ${bossSchema}.job WHERE name = $1 AND singleton_key = $2 AND state = 'active'`,
    PROMOTE_IMAGE_JOB,
    promotionImageId,
  );
  if (rows.length > 0)
    await sender.cancel(
      PROMOTE_IMAGE_JOB,
      rows.map((r) => r.id),
      { db: txExecutor(tx) },
    );
}

function createSender(): PgBoss {
  return new PgBoss({
    schema: bossSchema,
    db: { executeSql: () => Promise.reject(new Error("promote-image sender: pass a transaction")) },
  });
}

function txExecutor(tx: Tx): {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
} {
  return {
    async executeSql(text, values = []) {
      // Payloads go to jsonb parameters as JSON text; arrays (of job ids) stay arrays.
      const params = values.map((value) =>
        value !== null && typeof value === "object" && !(value instanceof Date) && !Array.isArray(value)
          ? JSON.stringify(value)
          : value,
      );
      return { rows: await tx.$queryRawUnsafe<Record<string, unknown>[]>(text, ...params) };
    },
  };
}
