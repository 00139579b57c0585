import "server-only";
import { db } from "@/lib/db/prisma";
import { syncChannelJob } from "@/lib/queue/jobs/sync-channel";
import { sendJob } from "@/lib/queue/send-job";

/**
 * Asks the worker to sync these channels. The singleton key (with the queue's "stately"
 * policy) keeps at most one sync queued and one running per channel, so two never overlap.
 */
export async function enqueueChannelSyncs(channelIds: readonly string[]): Promise<number> {
  let sent = 0;
  for (const channelId of channelIds) {
    if (await sendJob(syncChannelJob, { channelId }, { singletonKey: channelId })) sent += 1;
  }
  return sent;
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
