import "server-only";
import { Prisma } from "@/lib/db/generated/client";
import { db } from "@/lib/db/prisma";
import { storedDrift, type PromotionDrift } from "./promotion-drift";
import { listPromotionsSchema, type ListPromotionsInput } from "./promotion.schema";
import type { PromotionStatus, PromotionView } from "./promotion-view";

/**
 * A row of the Promotions page: what it shows and nothing more. The totals are summed in
 * Postgres (same rules as PromotionView.totals), so no image row, plan or per-layer JSON is
 * loaded; one query for the whole page instead of one per relation.
 */
export interface PromotionListRow {
  id: string;
  status: PromotionStatus;
  release: { tag: string; channelName: string };
  target: { name: string; endpoint: string };
  requestedBy: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  drift: PromotionDrift;
  totals: PromotionView["totals"];
}

/**
 * Bytes of one image the copy found at the target (the rule of promotion-view's alreadyThere):
 * its layers in state present (legacy `exists`); with no layer listed, all of it when pushed.
 */
export const ALREADY_THERE_SQL = Prisma.sql`(CASE
  WHEN jsonb_typeof(i.layers) <> 'array' OR jsonb_array_length(i.layers) = 0
    THEN CASE WHEN i.status = 'pushed' THEN i."bytesTotal"::numeric ELSE 0 END
  ELSE (SELECT COALESCE(sum((l->>'size')::numeric), 0) FROM jsonb_array_elements(i.layers) l
        WHERE l->>'state' IN ('present', 'exists'))
END)`;

interface RawRow {
  id: string;
  status: PromotionStatus;
  releaseTag: string;
  channelName: string;
  targetName: string;
  targetEndpoint: string;
  requestedBy: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  driftCheckedAt: Date | null;
  drift: unknown;
  images: number;
  pushed: number;
  failed: number;
  bytesDone: number;
  bytesTotal: number;
  bytesAlreadyThere: number;
  blobsDone: number;
  blobsTotal: number;
}

/** Same order, filter and cursor as listPromotions: newest first; `cursor` is the previous page's last id. */
export async function listPromotionRows(
  input: ListPromotionsInput = {},
): Promise<{ promotions: PromotionListRow[]; nextCursor: string | null }> {
  const { status, cursor, limit = 50 } = listPromotionsSchema.parse(input);
  const rows = await db().$queryRaw<RawRow[]>`
    SELECT p.id, p.status::text AS status, r.tag AS "releaseTag", ch.name AS "channelName",
           t.name AS "targetName", t.endpoint AS "targetEndpoint", u.email AS "requestedBy",
           p."startedAt", p."finishedAt", p."driftCheckedAt", p.drift,
           s.images, s.pushed, s.failed, s."bytesDone", s."bytesTotal", s."bytesAlreadyThere",
           s."blobsDone", s."blobsTotal"
    FROM "Promotion" p
    JOIN "Release" r ON r.id = p."releaseId"
    JOIN "ReleaseChannel" ch ON ch.id = r."channelId"
    JOIN "Registry" t ON t.id = p."targetRegistryId"
    LEFT JOIN "User" u ON u.id = p."requestedById"
    CROSS JOIN LATERAL (
      SELECT count(*)::int AS images,
             (count(*) FILTER (WHERE i.status = 'pushed'))::int AS pushed,
             (count(*) FILTER (WHERE i.status = 'failed'))::int AS failed,
             COALESCE(sum(i."bytesDone"), 0)::float8 AS "bytesDone",
             COALESCE(sum(i."bytesTotal"), 0)::float8 AS "bytesTotal",
             COALESCE(sum(${ALREADY_THERE_SQL}), 0)::float8 AS "bytesAlreadyThere",
             COALESCE(sum(i."blobsDone"), 0)::float8 AS "blobsDone",
             COALESCE(sum(i."blobsTotal"), 0)::float8 AS "blobsTotal"
      FROM "PromotionImage" i WHERE i."promotionId" = p.id
    ) s
    ${promotionListWhere(status, cursor)}
    ORDER BY p."createdAt" DESC, p.id DESC
    LIMIT ${limit + 1}`;
  const page = rows.slice(0, limit);
  return {
    promotions: page.map((row) => ({
      id: row.id,
      status: row.status,
      release: { tag: row.releaseTag, channelName: row.channelName },
      target: { name: row.targetName, endpoint: row.targetEndpoint },
      requestedBy: row.requestedBy,
      startedAt: iso(row.startedAt),
      finishedAt: iso(row.finishedAt),
      drift: { checkedAt: iso(row.driftCheckedAt), drifted: storedDrift(row.drift) },
      totals: {
        bytesDone: row.bytesDone,
        bytesTotal: row.bytesTotal,
        bytesAlreadyThere: row.bytesAlreadyThere,
        blobsDone: row.blobsDone,
        blobsTotal: row.blobsTotal,
        images: row.images,
        pushed: row.pushed,
        failed: row.failed,
      },
    })),
    nextCursor: rows.length > limit ? page[page.length - 1]!.id : null,
  };
}

/**
 * The WHERE of both lists over `"Promotion" p` (ordered by createdAt desc, id desc): of one
 * status, and after the cursor's row (none when the cursor is no promotion, as Prisma's cursor).
 */
export function promotionListWhere(status: string | undefined, cursor: string | undefined): Prisma.Sql {
  const where: Prisma.Sql[] = [];
  if (status) where.push(Prisma.sql`p.status::text = ${status}`);
  if (cursor) {
    where.push(
      Prisma.sql`(p."createdAt", p.id) < (SELECT c."createdAt", c.id FROM "Promotion" c WHERE c.id = ${cursor})`,
    );
  }
  return where.length > 0 ? Prisma.sql`WHERE ${Prisma.join(where, " AND ")}` : Prisma.empty;
}

function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}
