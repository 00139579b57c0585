import { Prisma, type PrismaClient } from "@/lib/db/generated/client";
import { db } from "@/lib/db/prisma";
import { decodeCursor, encodeCursor, parseAuditQuery, type AuditQuery } from "./audit-query";
import { auditColumns, keysetCondition, splitAuditConditions, whereClause, type AuditRow } from "./audit-sql";
import { toAuditEventView, type AuditEventView } from "./audit-event-view";
import { labelAuditTargets, type AuditTargetLabel } from "./audit-target-labels";

export interface AuditPage {
  /** Newest first. */
  events: AuditEventView[];
  /** Older events: pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
  /** Newer events: pass as `cursor` for the previous page; null on the first page. */
  prevCursor: string | null;
}

/**
 * One page of the audit history, newest first, with keyset pagination on (at, id): a page
 * continues strictly after the row the cursor names, so events recorded meanwhile never
 * shift later pages (no duplicates, no gaps) and a deep page costs what the first one does.
 * Throws a UserError naming the field for bad filters.
 */
export async function listAuditEvents(input: unknown, client: PrismaClient = db()): Promise<AuditPage> {
  const query = parseAuditQuery(input);
  const cursor = query.cursor ? decodeCursor(query.cursor) : null;
  if (cursor?.direction === "prev") {
    const newer = await fetchRows(client, query, cursor);
    // Fewer than a page left above the cursor: that is the first page; show it whole.
    if (newer.length <= query.limit) return listAuditEvents({ ...query, cursor: undefined }, client);
    const rows = newer.slice(0, query.limit).reverse();
    return page(rows, { hasOlder: true, hasNewer: true }, await labelAuditTargets(rows, client));
  }
  const rows = await fetchRows(client, query, cursor);
  const shown = rows.slice(0, query.limit);
  return page(
    shown,
    { hasOlder: rows.length > query.limit, hasNewer: cursor !== null },
    await labelAuditTargets(shown, client),
  );
}

type Cursor = ReturnType<typeof decodeCursor>;

/**
 * One more row than the page, to know whether another page follows. Postgres picks the plan:
 * walking the (at, id) index and stopping after a page of matches, or asking the target and
 * trigram indexes first. (A term found only in old events makes the walk long; see
 * bench/audit.mjs — a two-step read was measured and was slower for common terms.)
 */
async function fetchRows(client: PrismaClient, query: AuditQuery, cursor: Cursor | null): Promise<AuditRow[]> {
  const direction = cursor?.direction ?? "next";
  const { ranged, matched } = splitAuditConditions(query);
  const position = cursor ? [keysetCondition(cursor)] : [];
  return client.$queryRaw<
    AuditRow[]
  >`SELECT ${auditColumns} FROM "AuditEvent" ${whereClause([...ranged, ...matched, ...position])} ${orderBy(direction)} LIMIT ${query.limit + 1}`;
}

function orderBy(direction: "next" | "prev"): Prisma.Sql {
  return direction === "next" ? Prisma.sql`ORDER BY "at" DESC, "id" DESC` : Prisma.sql`ORDER BY "at" ASC, "id" ASC`;
}

function page(
  rows: AuditRow[],
  more: { hasOlder: boolean; hasNewer: boolean },
  labels: Map<string, AuditTargetLabel>,
): AuditPage {
  const first = rows[0];
  const last = rows[rows.length - 1];
  return {
    events: rows.map((row) => toAuditEventView(row, labels)),
    nextCursor: more.hasOlder && last ? encodeCursor({ direction: "next", at: last.at, id: last.id }) : null,
    prevCursor: more.hasNewer && first ? encodeCursor({ direction: "prev", at: first.at, id: first.id }) : null,
  };
}
