import type { PrismaClient } from "@/lib/db/generated/client";
import { auditHash, genesisHash } from "./audit-hash";

export type ChainVerdict = { ok: true; events: number } | { ok: false; events: number; brokenAt: bigint; reason: string };

/**
 * Walks the audit trail in order, recomputing each hash: the first row whose content or
 * link doesn't match is where someone edited, deleted or inserted events.
 */
export async function verifyAuditChain(db: PrismaClient, options: { batchSize?: number } = {}): Promise<ChainVerdict> {
  const batchSize = options.batchSize ?? 2000;
  let prevHash = genesisHash;
  let cursor: bigint | undefined;
  let events = 0;
  for (;;) {
    const batch = await db.auditEvent.findMany({ orderBy: { id: "asc" }, take: batchSize, ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}) });
    if (batch.length === 0) return { ok: true, events };
    for (const event of batch) {
      events += 1;
      if (event.prevHash !== prevHash) return { ok: false, events, brokenAt: event.id, reason: "its link to the previous event does not match (an event before it was removed or changed)" };
      if (auditHash(event) !== event.hash) return { ok: false, events, brokenAt: event.id, reason: "its content does not match its hash (it was edited)" };
      prevHash = event.hash;
    }
    cursor = batch[batch.length - 1]!.id;
  }
}
