/**
 * Database connections each Gantry process may hold (GANTRY_DB_POOL_SIZE), opened as needed.
 * Default 20. Under load a query keeps its connection until the busy event loop reads the
 * answer, so a page that asks five things at once can wait for a free connection rather than
 * for Postgres: with 10, 50 connections on the console while 20 promotions ran served 77–98
 * requests/s; with 20, 97–107 (bench/load.mjs, docs/reliability.md). Keep web processes ×
 * this + the worker's under the server's `max_connections` (100 by default).
 */
export function dbPoolSize(setting: string | undefined): number {
  if (setting === undefined || setting.trim() === "") return 20;
  const size = Number(setting);
  if (!Number.isInteger(size) || size < 1 || size > 200)
    throw new Error(`GANTRY_DB_POOL_SIZE must be a whole number from 1 to 200 (got ${JSON.stringify(setting)})`);
  return size;
}
