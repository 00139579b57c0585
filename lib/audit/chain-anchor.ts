import type { PrismaClient } from "@/lib/db/generated/client";
import type { Tx } from "@/lib/db/prisma";

/** The action retention records after archiving and deleting the oldest events. */
export const auditArchivedAction = "audit.archived";

/** Where the remaining chain begins after an archive: the last archived event's id and hash. */
export interface ChainAnchor {
  lastId: string;
  lastHash: string;
  file: string;
  /** The "audit.archived" event that recorded this anchor (itself part of the chain). */
  recordedBy: string;
}

/**
 * The anchor of the newest archive run, read from its "audit.archived" event. That event is
 * hash-chained like any other, so editing the anchor to hide a deletion breaks the chain at
 * the event itself.
 */
export async function findChainAnchor(client: PrismaClient | Tx): Promise<ChainAnchor | null> {
  const event = await client.auditEvent.findFirst({
    where: { action: auditArchivedAction },
    orderBy: { id: "desc" },
    select: { id: true, detail: true },
  });
  if (!event) return null;
  const detail = (event.detail ?? {}) as Record<string, unknown>;
  if (typeof detail.lastHash !== "string" || typeof detail.lastId !== "string") return null;
  return {
    lastId: detail.lastId,
    lastHash: detail.lastHash,
    file: String(detail.file ?? "?"),
    recordedBy: String(event.id),
  };
}
