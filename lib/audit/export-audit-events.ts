import { Prisma, type PrismaClient } from "@/lib/db/generated/client";
import { db } from "@/lib/db/prisma";
import type { AuditCursor, AuditFilters } from "./audit-query";
import { auditColumns, auditConditions, keysetCondition, whereClause, type AuditRow } from "./audit-sql";
import { toAuditEventView, type AuditEventView } from "./audit-event-view";
import { csvRow } from "./csv";

export const auditExportFormats = ["csv", "jsonl"] as const;
export type AuditExportFormat = (typeof auditExportFormats)[number];

const csvColumns = [
  "id",
  "at",
  "actor",
  "actor_id",
  "action",
  "target_type",
  "target_id",
  "summary",
  "detail",
  "ip",
  "user_agent",
  "prev_hash",
  "hash",
] as const;

/**
 * Every event matching the filters, newest first, as CSV or JSON Lines. The stream pulls one
 * keyset batch from Postgres only when the reader has taken the previous one, so a slow
 * client holds the database back instead of the server buffering millions of rows.
 */
export function auditExportStream(
  filters: AuditFilters,
  format: AuditExportFormat,
  options: { client?: PrismaClient; batchSize?: number } = {},
): ReadableStream<Uint8Array> {
  const client = options.client ?? db();
  const batchSize = options.batchSize ?? 1000;
  const encoder = new TextEncoder();
  let cursor: AuditCursor | null = null;
  let started = false;

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let text = "";
        if (!started && format === "csv") text += csvRow(csvColumns);
        started = true;
        const rows = await readBatch(client, filters, cursor, batchSize);
        for (const row of rows)
          text += format === "csv" ? csvLine(toAuditEventView(row)) : `${JSON.stringify(toAuditEventView(row))}\n`;
        if (text) controller.enqueue(encoder.encode(text));
        const last = rows[rows.length - 1];
        if (!last || rows.length < batchSize) {
          controller.close();
          return;
        }
        cursor = { direction: "next", at: last.at, id: last.id };
      },
    },
    // One batch waiting at most: memory stays flat however many rows match.
    { highWaterMark: 1 },
  );
}

function readBatch(
  client: PrismaClient,
  filters: AuditFilters,
  cursor: AuditCursor | null,
  batchSize: number,
): Promise<AuditRow[]> {
  const conditions = auditConditions(filters);
  if (cursor) conditions.push(keysetCondition(cursor));
  return client.$queryRaw<
    AuditRow[]
  >`SELECT ${auditColumns} FROM "AuditEvent" ${whereClause(conditions)} ORDER BY "at" DESC, "id" DESC LIMIT ${Prisma.raw(String(batchSize))}`;
}

function csvLine(event: AuditEventView): string {
  return csvRow([
    event.id,
    event.at,
    event.actorLabel,
    event.actorId,
    event.action,
    event.targetType,
    event.targetId,
    event.summary,
    event.detail,
    event.ip,
    event.userAgent,
    event.prevHash,
    event.hash,
  ]);
}
