import "server-only";
import { isUserError } from "@/lib/change/errors";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { db } from "@/lib/db/prisma";
import { applySync, type SyncSummary } from "./apply-sync";
import { prepareSync } from "./prepare-sync";

/**
 * A sync the worker runs on the channel's schedule, acting as "system". Unlike a sync
 * someone asks for, one that finds nothing new writes no audit event (only the channel's
 * last-sync time moves); new releases, moved digests and failures are audited as usual.
 * A failure is stored on the channel and answered, not thrown: retrying at once rarely helps,
 * and the next interval tries again.
 */
export async function runScheduledSync(
  channelId: string,
  options: { signal?: AbortSignal } = {},
): Promise<{ ok: true; summary: SyncSummary } | { ok: false; error: string }> {
  let prepared;
  try {
    prepared = await prepareSync(channelId, options);
  } catch (error) {
    if (isUserError(error)) return { ok: false, error: error.message };
    throw error;
  }
  const summary = await db().$transaction((tx) =>
    applySync(tx, (event) => recordAuditEvent(tx, event), prepared, { auditUnchanged: false }),
  );
  return { ok: true, summary };
}
