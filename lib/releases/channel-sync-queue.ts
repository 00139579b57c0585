import "server-only";
import PgBoss from "pg-boss";
import { z } from "zod";
import { db } from "@/lib/db/prisma";
import { bossSchema } from "@/lib/queue/boss";

/** The queue of channel syncs: one job per channel at a time (singleton key = channel id). */
export const SYNC_CHANNEL_JOB = "sync-channel";

export const syncChannelPayloadSchema = z.object({ channelId: z.string().min(1) });

/** pg-boss used only to build its INSERT, run through the app's Prisma client: no pool of its own. */
let sender: PgBoss | undefined;

/**
 * Asks the worker to sync these channels. The singleton key (with the queue's "stately"
 * policy) keeps at most one sync queued and one running per channel, so two never overlap.
 */
export async function enqueueChannelSyncs(channelIds: readonly string[]): Promise<number> {
  sender ??= new PgBoss({ schema: bossSchema, db: { executeSql } });
  let sent = 0;
  for (const channelId of channelIds) {
    const id = await sender.send(SYNC_CHANNEL_JOB, syncChannelPayloadSchema.parse({ channelId }), {
      singletonKey: channelId,
    });
    if (id) sent += 1;
  }
  return sent;
}

async function executeSql(text: string, values: unknown[] = []): Promise<{ rows: Record<string, unknown>[] }> {
  const params = values.map((value) =>
    value !== null && typeof value === "object" && !(value instanceof Date) ? JSON.stringify(value) : value,
  );
  return { rows: await db().$queryRawUnsafe<Record<string, unknown>[]>(text, ...params) };
}

/** Channels with a schedule whose interval has passed since their last sync (or that never synced). */
export async function dueChannelIds(): Promise<string[]> {
  const rows = await db().$queryRaw<{ id: string }[]>`
    SELECT id FROM "ReleaseChannel"
    WHERE "syncIntervalMinutes" > 0
      AND ("lastSyncAt" IS NULL OR "lastSyncAt" + make_interval(mins => "syncIntervalMinutes") <= now())
    ORDER BY "lastSyncAt" ASC NULLS FIRST`;
  return rows.map((row) => row.id);
}
