import type { PrismaClient } from "@/lib/db/generated/client";

/** Rows in every application table (the audit trail included), to prove a refused change wrote nothing. */
export async function tableCounts(db: PrismaClient): Promise<Record<string, number>> {
  const tables = await db.$queryRawUnsafe<{ table_name: string }[]>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT LIKE '\\_prisma%' ORDER BY table_name",
  );
  const union = tables
    .map(({ table_name: t }) => `SELECT '${t}' AS t, count(*)::int AS n FROM "${t}"`)
    .join(" UNION ALL ");
  const rows = await db.$queryRawUnsafe<{ t: string; n: number }[]>(union);
  return Object.fromEntries(rows.map((r) => [r.t, r.n]));
}
