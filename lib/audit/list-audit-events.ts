import { Prisma, type PrismaClient } from "@/lib/db/generated/client";
import { db } from "@/lib/db/prisma";
import { decodeCursor, encodeCursor, parseAuditQuery, type AuditQuery } from "./audit-query";
import { auditColumns, keysetCondition, splitAuditConditions, whereClause, type AuditRow } from "./audit-sql";
import { toAuditEventView, type AuditEventView } from "./audit-event-view";

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
    return page(rows, { hasOlder: true, hasNewer: true });
  }
  const rows = await fetchRows(client, query, cursor);
  return page(rows.slice(0, query.limit), { hasOlder: rows.length > query.limit, hasNewer: cursor !== null });
}

/** How many rows, newest first, the first read scans for matches before asking the indexes. */
const recentWindow = 20_000;

type Cursor = ReturnType<typeof decodeCursor>;

/**
 * One more row than the page, to know whether another page follows. Filters that test rows
 * (actor, action, text) are read in two steps, because a term that only occurs long ago
 * would otherwise make Postgres walk the (at, id) index through most of the table: first
 * the newest `recentWindow` rows past the cursor are scanned in order; only if they hold too
 * few matches is the rest asked of the trigram indexes and sorted.
 */
async function fetchRows(client: PrismaClient, query: AuditQuery, cursor: Cursor | null): Promise<AuditRow[]> {
  const direction = cursor?.direction ?? "next";
  const { ranged, matched } = splitAuditConditions(query);
  const position = cursor ? [keysetCondition(cursor)] : [];
  if (matched.length === 0) return client.$queryRaw<AuditRow[]>`SELECT ${auditColumns} FROM "AuditEvent" ${whereClause([...ranged, ...position])} ${orderBy(direction)} LIMIT ${query.limit + 1}`;

  const recent = await scanRecent(client, { ranged: [...ranged, ...position], matched, direction, take: query.limit + 1 });
  if (recent.rows.length > query.limit || !recent.edge) return recent.rows;
  const beyond = keysetCondition({ direction, ...recent.edge });
  // Ordering by an expression keeps Postgres off the (at, id) index here: it gathers the
  // matches through the trigram or btree indexes, then sorts only those.
  const older = await client.$queryRaw<AuditRow[]>`SELECT ${auditColumns} FROM "AuditEvent" ${whereClause([...ranged, ...matched, beyond])}
    ORDER BY ("at" + interval '0 seconds') ${direction === "next" ? Prisma.sql`DESC` : Prisma.sql`ASC`}, "id" ${direction === "next" ? Prisma.sql`DESC` : Prisma.sql`ASC`}
    LIMIT ${query.limit + 1 - recent.rows.length}`;
  return [...recent.rows, ...older];
}

/**
 * The matches among the next `recentWindow` rows in page order, and where that window ended
 * (null when it reached the end of the table, so there is nothing further to ask).
 */
async function scanRecent(
  client: PrismaClient,
  options: { ranged: Prisma.Sql[]; matched: Prisma.Sql[]; direction: "next" | "prev"; take: number },
): Promise<{ rows: AuditRow[]; edge: { at: Date; id: bigint } | null }> {
  const { ranged, matched, direction, take } = options;
  // The window keeps only (at, id, matches): the few matching rows are read whole afterwards.
  const found = await client.$queryRaw<Array<Partial<AuditRow> & { edgeAt: Date; edgeId: bigint; scanned: bigint }>>`
    WITH "window" AS (
      SELECT "at", "id", (${Prisma.join(matched, " AND ")}) AS "matches" FROM "AuditEvent" ${whereClause(ranged)} ${orderBy(direction)} LIMIT ${recentWindow}
    ), "edge" AS (
      SELECT "at" AS "edgeAt", "id" AS "edgeId", count(*) OVER () AS "scanned" FROM "window" ${orderBy(direction === "next" ? "prev" : "next")} LIMIT 1
    ), "hits" AS (
      SELECT "id" FROM "window" WHERE "matches" ${orderBy(direction)} LIMIT ${take}
    )
    SELECT "found".*, "edge".* FROM "edge" LEFT JOIN LATERAL (
      SELECT ${auditColumns} FROM "AuditEvent" WHERE "id" IN (SELECT "id" FROM "hits") ${orderBy(direction)}
    ) "found" ON true`;
  const rows = found.filter((row) => row.id !== null && row.id !== undefined).map(({ edgeAt: _a, edgeId: _i, scanned: _s, ...row }) => row as AuditRow);
  const edge = found[0];
  return { rows, edge: edge && Number(edge.scanned) >= recentWindow ? { at: edge.edgeAt, id: edge.edgeId } : null };
}

function orderBy(direction: "next" | "prev"): Prisma.Sql {
  return direction === "next" ? Prisma.sql`ORDER BY "at" DESC, "id" DESC` : Prisma.sql`ORDER BY "at" ASC, "id" ASC`;
}

function page(rows: AuditRow[], more: { hasOlder: boolean; hasNewer: boolean }): AuditPage {
  const first = rows[0];
  const last = rows[rows.length - 1];
  return {
    events: rows.map(toAuditEventView),
    nextCursor: more.hasOlder && last ? encodeCursor({ direction: "next", at: last.at, id: last.id }) : null,
    prevCursor: more.hasNewer && first ? encodeCursor({ direction: "prev", at: first.at, id: first.id }) : null,
  };
}
