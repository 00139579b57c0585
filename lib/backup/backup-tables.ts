import type pg from "pg";

/** Prisma's own bookkeeping: a restore applies this version's migrations itself. */
const skipped = new Set(["_prisma_migrations"]);

/**
 * Gantry's tables in the `public` schema, parents before children (foreign keys), so rows
 * can be inserted in this order with every constraint checked. pg-boss's queue is left out:
 * it is rebuilt by the workers (recovery re-sends the wake-up of every pending image, the
 * webhook sweep finds pending deliveries, schedules are set at start).
 */
export async function backupTables(client: pg.Client): Promise<string[]> {
  const tables = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname`,
  );
  const links = await client.query<{ child: string; parent: string }>(
    `SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent
     FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
     WHERE c.contype = 'f' AND n.nspname = 'public' AND c.conrelid <> c.confrelid`,
  );
  const names = tables.rows.map((row) => row.name).filter((name) => !skipped.has(name));
  const parents = new Map(names.map((name) => [name, new Set<string>()]));
  for (const { child, parent } of links.rows) parents.get(unquote(child))?.add(unquote(parent));
  const ordered: string[] = [];
  const placed = new Set<string>();
  while (ordered.length < names.length) {
    const next = names.find((name) => !placed.has(name) && [...parents.get(name)!].every((p) => placed.has(p)));
    if (!next) throw new Error("the tables' foreign keys form a cycle: no insertion order exists");
    ordered.push(next);
    placed.add(next);
  }
  return ordered;
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function unquote(name: string): string {
  return name.startsWith('"') ? name.slice(1, -1).replaceAll('""', '"') : name;
}
