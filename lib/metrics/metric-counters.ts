import "server-only";
import { Prisma } from "@/lib/db/generated/client";
import { db } from "@/lib/db/prisma";

export type Labels = Record<string, string>;

export interface CounterIncrement {
  name: string;
  labels: Labels;
  value: number;
}

/**
 * Adds to counters in the database in one statement. Workers record here (not in their own
 * memory) so that a scrape of any web process sees every worker's figures, including those of
 * a worker that has since stopped, without Prometheus having to find each worker.
 */
export async function addToCounters(increments: readonly CounterIncrement[]): Promise<void> {
  const merged = new Map<string, CounterIncrement & { key: string }>();
  for (const increment of increments) {
    const key = `${increment.name}\0${canonicalLabels(increment.labels)}`;
    const seen = merged.get(key);
    if (seen) seen.value += increment.value;
    else merged.set(key, { ...increment, key });
  }
  if (merged.size === 0) return;
  const rows = [...merged.values()];
  await db().$executeRaw`
    INSERT INTO "MetricCounter" (name, labels, value, "updatedAt")
    SELECT name, labels, value, now()
    FROM unnest(${rows.map((r) => r.name)}::text[], ${rows.map((r) => canonicalLabels(r.labels))}::text[], ${rows.map((r) => r.value)}::float8[]) AS t(name, labels, value)
    ORDER BY name, labels
    ON CONFLICT (name, labels) DO UPDATE SET value = "MetricCounter".value + excluded.value, "updatedAt" = now()`;
}

/** Every stored counter whose name starts with `prefix`. */
export async function readCounters(prefix: string): Promise<{ name: string; labels: Labels; value: number }[]> {
  const rows = await db().$queryRaw<{ name: string; labels: string; value: number }[]>(
    Prisma.sql`SELECT name, labels, value FROM "MetricCounter" WHERE starts_with(name, ${prefix})`,
  );
  return rows.map((row) => ({ name: row.name, labels: JSON.parse(row.labels) as Labels, value: row.value }));
}

function canonicalLabels(labels: Labels): string {
  return JSON.stringify(Object.fromEntries(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b))));
}
