import fs from "node:fs";
import path from "node:path";
import { db } from "@/lib/db/prisma";

/** A worker that hasn't reported for this long is considered gone. */
export const workerHeartbeatMaxAgeSeconds = 45;

export interface Health {
  ok: boolean;
  database: { ok: boolean; error?: string };
  migrations: { ok: boolean; pending: string[] };
  worker: { ok: boolean; heartbeatAgeSeconds: number | null; workers: number };
}

/**
 * What /api/health reports: database reachable, migrations applied, a worker alive. Load
 * balancers ask often, so the usual answer is one query; only when it fails (no migrations
 * table yet, or no database) are the parts asked one by one to say which.
 */
export async function checkHealth(root = process.cwd()): Promise<Health> {
  const since = new Date(Date.now() - workerHeartbeatMaxAgeSeconds * 1000);
  const row = await db().$queryRaw<{ applied: string[] | null; newest: Date | null; workers: number }[]>`
      SELECT
        (SELECT array_agg(migration_name) FROM _prisma_migrations
          WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL) AS applied,
        (SELECT max("beatAt") FROM "WorkerHeartbeat") AS newest,
        (SELECT count(*)::int FROM "WorkerHeartbeat" WHERE "beatAt" >= ${since}) AS workers`
    .then((rows) => rows[0])
    .catch(() => undefined);
  if (row) {
    const migrations = pendingOf(migrationNames(root), row.applied ?? []);
    const worker = workerState(row.newest, row.workers);
    return { ok: migrations.ok && worker.ok, database: { ok: true }, migrations, worker };
  }
  const database = await db().$queryRaw`SELECT 1`
    .then(() => ({ ok: true }))
    .catch(() => ({ ok: false, error: "the database did not answer" }));
  if (!database.ok) {
    return {
      ok: false,
      database,
      migrations: { ok: false, pending: [] },
      worker: { ok: false, heartbeatAgeSeconds: null, workers: 0 },
    };
  }
  const [migrations, worker] = await Promise.all([checkMigrations(root), checkWorkers()]);
  return { ok: migrations.ok && worker.ok, database, migrations, worker };
}

/** The migrations this build ships (its folders on disk), read once per process and folder. */
const shipped = new Map<string, string[]>();
function migrationNames(root: string): string[] {
  let names = shipped.get(root);
  if (!names) {
    names = fs
      .readdirSync(path.join(root, "prisma", "migrations"), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    shipped.set(root, names);
  }
  return names;
}

function pendingOf(expected: string[], applied: string[]): Health["migrations"] {
  const done = new Set(applied);
  const pending = expected.filter((name) => !done.has(name)).sort();
  return { ok: pending.length === 0, pending };
}

async function checkMigrations(root: string): Promise<Health["migrations"]> {
  const applied = await db().$queryRaw<
    { migration_name: string }[]
  >`SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`.catch(
    () => [],
  );
  return pendingOf(
    migrationNames(root),
    applied.map((row) => row.migration_name),
  );
}

async function checkWorkers(): Promise<Health["worker"]> {
  const since = new Date(Date.now() - workerHeartbeatMaxAgeSeconds * 1000);
  const [newest, workers] = await Promise.all([
    db().workerHeartbeat.findFirst({ orderBy: { beatAt: "desc" }, select: { beatAt: true } }),
    db().workerHeartbeat.count({ where: { beatAt: { gte: since } } }),
  ]);
  return workerState(newest?.beatAt ?? null, workers);
}

function workerState(newest: Date | null, workers: number): Health["worker"] {
  const heartbeatAgeSeconds = newest ? Math.max(0, Math.round((Date.now() - newest.getTime()) / 1000)) : null;
  return {
    ok: heartbeatAgeSeconds !== null && heartbeatAgeSeconds <= workerHeartbeatMaxAgeSeconds,
    heartbeatAgeSeconds,
    workers,
  };
}
