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
  sender ??= new PgBoss({ schema: bossSchema, db: { executeSql: () => Promise.reject(new Error("promote-image sender: pass a transaction")) } });
  const data = promoteImagePayloadSchema.parse({ promotionImageId });
  await sender.send(PROMOTE_IMAGE_JOB, data, { singletonKey: promotionImageId, db: txExecutor(tx) });
}

function txExecutor(tx: Tx): { executeSql(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }> } {
  return {
    async executeSql(text, values = []) {
      const params = values.map((value) => (value !== null && typeof value === "object" && !(value instanceof Date) ? JSON.stringify(value) : value));
      return { rows: await tx.$queryRawUnsafe<Record<string, unknown>[]>(text, ...params) };
    },
  };
}
