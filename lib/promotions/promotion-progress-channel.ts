import type { Tx } from "@/lib/db/prisma";

/**
 * The Postgres channel that carries a promotion's id after each persisted progress write or
 * state change (the console's server-sent events LISTEN on it). Sent inside the writing
 * transaction, so listeners hear only what committed.
 */
export const PROMOTION_PROGRESS_CHANNEL = "gantry_promotion_progress";

export async function notifyPromotionProgress(tx: Tx, promotionId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_notify(${PROMOTION_PROGRESS_CHANNEL}, ${promotionId})`;
}
