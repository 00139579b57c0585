import "server-only";
import { db } from "@/lib/db/prisma";
import { checkRegistryDriftJob } from "@/lib/queue/jobs/check-registry-drift";
import { sendJob } from "@/lib/queue/send-job";

/** Default minutes between two looks at one target's promoted tags. */
const DEFAULT_INTERVAL_MINUTES = 60;

/** GANTRY_DRIFT_CHECK_MINUTES (default 60; 0 turns the scheduled drift watch off). */
export function driftCheckIntervalMinutes(env: Record<string, string | undefined> = process.env): number {
  const raw = env.GANTRY_DRIFT_CHECK_MINUTES?.trim();
  if (!raw) return DEFAULT_INTERVAL_MINUTES;
  const minutes = Number(raw);
  return Number.isInteger(minutes) && minutes >= 0 ? minutes : DEFAULT_INTERVAL_MINUTES;
}

/**
 * Targets with a succeeded promotion not looked at within the interval (a newly succeeded
 * one has never been looked at, so its target is due at once).
 */
export async function dueDriftTargets(intervalMinutes = driftCheckIntervalMinutes()): Promise<string[]> {
  if (intervalMinutes === 0) return [];
  const rows = await db().$queryRaw<{ id: string }[]>`
    SELECT DISTINCT "targetRegistryId" AS id FROM "Promotion"
    WHERE status = 'succeeded'
      AND ("driftCheckedAt" IS NULL OR "driftCheckedAt" + make_interval(mins => ${intervalMinutes}::int) <= now())`;
  return rows.map((row) => row.id);
}

/** One drift check per target; the singleton key keeps at most one queued and one running per target. */
export async function enqueueDriftChecks(registryIds: readonly string[]): Promise<number> {
  let sent = 0;
  for (const registryId of registryIds) {
    if (await sendJob(checkRegistryDriftJob, { registryId }, { singletonKey: registryId })) sent += 1;
  }
  return sent;
}
