import { Prisma } from "@/lib/db/generated/client";
import type { AuditCursor, AuditFilters } from "./audit-query";

/** One audit row as raw queries return it. */
export interface AuditRow {
  id: bigint;
  at: Date;
  actorId: string | null;
  actorLabel: string;
  action: string;
  targetType: string;
  targetId: string | null;
  detail: unknown;
  ip: string | null;
  userAgent: string | null;
  prevHash: string;
  hash: string;
}

export const auditColumns = Prisma.sql`"id", "at", "actorId", "actorLabel", "action", "targetType", "targetId", "detail", "ip", "userAgent", "prevHash", "hash"`;

/** The WHERE conditions for audit filters, all of them. */
export function auditConditions(filters: AuditFilters): Prisma.Sql[] {
  const { ranged, matched } = splitAuditConditions(filters);
  return [...ranged, ...matched];
}

/**
 * The filters in two kinds. `ranged` ones (target, time range) are served in (at, id) order
 * by btree indexes. `matched` ones (actor, action, text) are tested row by row, or served by
 * the trigram indexes of migration 20261123105951 — `text` uses the very expression that
 * index is built on (`gantry_audit_search_text`).
 */
export function splitAuditConditions(filters: AuditFilters): { ranged: Prisma.Sql[]; matched: Prisma.Sql[] } {
  const ranged: Prisma.Sql[] = [];
  const matched: Prisma.Sql[] = [];
  if (filters.targetType) ranged.push(Prisma.sql`"targetType" = ${filters.targetType}`);
  if (filters.targetId) ranged.push(Prisma.sql`"targetId" = ${filters.targetId}`);
  if (filters.from) ranged.push(Prisma.sql`"at" >= ${timestamp(filters.from)}`);
  if (filters.to) ranged.push(Prisma.sql`"at" <= ${timestamp(filters.to)}`);
  if (filters.actor) matched.push(Prisma.sql`"actorLabel" ILIKE ${containsPattern(filters.actor)}`);
  if (filters.action) {
    const prefix = /[.*]$/.test(filters.action) ? filters.action.replace(/\*$/, "") : null;
    matched.push(
      prefix === null
        ? Prisma.sql`"action" = ${filters.action}`
        : Prisma.sql`"action" LIKE ${`${escapeLike(prefix)}%`}`,
    );
  }
  if (filters.text)
    matched.push(
      Prisma.sql`gantry_audit_search_text("actorLabel", "action", "targetId", "detail") ILIKE ${containsPattern(filters.text)}`,
    );
  return { ranged, matched };
}

/** Rows strictly past the cursor in its direction: older for "next", newer for "prev". */
export function keysetCondition(cursor: AuditCursor): Prisma.Sql {
  return cursor.direction === "next"
    ? Prisma.sql`("at", "id") < (${timestamp(cursor.at)}, ${cursor.id})`
    : Prisma.sql`("at", "id") > (${timestamp(cursor.at)}, ${cursor.id})`;
}

export function whereClause(conditions: Prisma.Sql[]): Prisma.Sql {
  return conditions.length ? Prisma.sql`WHERE ${Prisma.join(conditions, " AND ")}` : Prisma.empty;
}

/**
 * `at` is a `timestamp(3)` holding UTC; a zone in the literal is ignored by that cast, so the
 * UTC ISO string compares as written, whatever the session's time zone.
 */
function timestamp(date: Date): Prisma.Sql {
  return Prisma.sql`${date.toISOString()}::timestamp(3)`;
}

function containsPattern(value: string): string {
  return `%${escapeLike(value)}%`;
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
