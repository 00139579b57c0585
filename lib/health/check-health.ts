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

/** What /api/health reports: database reachable, migrations applied, a worker alive. */
export async function checkHealth(root = process.cwd()): Promise<Health> {
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

async function checkMigrations(root: string): Promise<Health["migrations"]> {
  const dir = path.join(root, "prisma", "migrations");
  const expected = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
  const applied = await db().$queryRaw<
    { migration_name: string }[]
  >`SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`.catch(
    () => [],
  );
  const done = new Set(applied.map((row) => row.migration_name));
  const pending = expected.filter((name) => !done.has(name)).sort();
  return { ok: pending.length === 0, pending };
}

async function checkWorkers(): Promise<Health["worker"]> {
  const since = new Date(Date.now() - workerHeartbeatMaxAgeSeconds * 1000);
  const [newest, workers] = await Promise.all([
    db().workerHeartbeat.findFirst({ orderBy: { beatAt: "desc" }, select: { beatAt: true } }),
    db().workerHeartbeat.count({ where: { beatAt: { gte: since } } }),
  ]);
  const heartbeatAgeSeconds = newest ? Math.max(0, Math.round((Date.now() - newest.beatAt.getTime()) / 1000)) : null;
  return {
    ok: heartbeatAgeSeconds !== null && heartbeatAgeSeconds <= workerHeartbeatMaxAgeSeconds,
    heartbeatAgeSeconds,
    workers,
  };
}
