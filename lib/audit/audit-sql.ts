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

/**
 * The WHERE conditions for audit filters. `text` uses the same expression as the trigram
 * index of migration 20261123105951 (`gantry_audit_search_text`), so the index serves it.
 */
export function auditConditions(filters: AuditFilters): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = [];
  if (filters.actor) conditions.push(Prisma.sql`"actorLabel" ILIKE ${containsPattern(filters.actor)}`);
  if (filters.action) {
    const prefix = /[.*]$/.test(filters.action) ? filters.action.replace(/\*$/, "") : null;
    conditions.push(prefix === null ? Prisma.sql`"action" = ${filters.action}` : Prisma.sql`"action" LIKE ${`${escapeLike(prefix)}%`}`);
  }
  if (filters.targetType) conditions.push(Prisma.sql`"targetType" = ${filters.targetType}`);
  if (filters.targetId) conditions.push(Prisma.sql`"targetId" = ${filters.targetId}`);
  if (filters.from) conditions.push(Prisma.sql`"at" >= ${timestamp(filters.from)}`);
  if (filters.to) conditions.push(Prisma.sql`"at" <= ${timestamp(filters.to)}`);
  if (filters.text) conditions.push(Prisma.sql`gantry_audit_search_text("actorLabel", "action", "targetId", "detail") ILIKE ${containsPattern(filters.text)}`);
  return conditions;
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
