import type { PrismaClient } from "@/lib/db/generated/client";
import { auditHash, genesisHash } from "./audit-hash";
import { auditColumns, type AuditRow } from "./audit-sql";
import { findChainAnchor, type ChainAnchor } from "./chain-anchor";

export type { ChainAnchor };

interface BrokenLink {
  ok: false;
  events: number;
  /** The first event whose link or content does not match. */
  brokenAt: bigint;
  /** When that event says it happened. */
  at: Date;
  reason: string;
  /** The hash the chain expected there, and the one stored. */
  expected: string;
  actual: string;
  anchor?: ChainAnchor;
}

export type ChainVerdict = { ok: true; events: number; anchor?: ChainAnchor } | BrokenLink;

export interface VerifyOptions {
  batchSize?: number;
  /** Called after each batch with the events checked so far. */
  onProgress?: (events: number) => void;
}

/**
 * Walks the audit trail in id order, recomputing each hash: the first row whose content or
 * link doesn't match is where someone edited, deleted or inserted events. Reads keyset
 * batches, so a million events take constant memory. When retention has archived the oldest
 * events, the chain starts from the anchor the newest "audit.archived" event recorded (the
 * hash of the last archived event) instead of the genesis hash.
 */
export async function verifyAuditChain(db: PrismaClient, options: VerifyOptions = {}): Promise<ChainVerdict> {
  const batchSize = options.batchSize ?? 5000;
  const anchor = (await findChainAnchor(db)) ?? undefined;
  let prevHash = anchor?.lastHash ?? genesisHash;
  let afterId = -1n;
  let events = 0;
  for (;;) {
    const batch = await db.$queryRaw<
      AuditRow[]
    >`SELECT ${auditColumns} FROM "AuditEvent" WHERE "id" > ${afterId} ORDER BY "id" ASC LIMIT ${batchSize}`;
    if (batch.length === 0) return { ok: true, events, anchor };
    for (const event of batch) {
      events += 1;
      if (event.prevHash !== prevHash) {
        const reason =
          events === 1 && anchor
            ? `it does not link to the last archived event (#${anchor.lastId}, archived to ${anchor.file}): events after the archive were removed or changed`
            : events === 1
              ? "it does not link to the start of the chain: older events were removed"
              : "its link to the previous event does not match (an event before it was removed or changed)";
        return {
          ok: false,
          events,
          brokenAt: event.id,
          at: event.at,
          reason,
          expected: prevHash,
          actual: event.prevHash,
          anchor,
        };
      }
      const recomputed = auditHash(event);
      if (recomputed !== event.hash) {
        return {
          ok: false,
          events,
          brokenAt: event.id,
          at: event.at,
          reason: "its content does not match its hash (it was edited)",
          expected: recomputed,
          actual: event.hash,
          anchor,
        };
      }
      prevHash = event.hash;
    }
    afterId = batch[batch.length - 1]!.id;
    options.onProgress?.(events);
  }
}
