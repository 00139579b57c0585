/**
 * How many web processes `gantry start` runs on one port (GANTRY_WEB_PROCESSES). Rendering a
 * page is JavaScript on one thread, so one process keeps one core busy and leaves the others
 * idle while requests queue behind it; the processes share nothing (sessions are JWTs, rate
 * limits and progress live in Postgres). Default: one per core, at most 2 — a process costs
 * about 200 MB of memory and a pool of database connections.
 */
export function webProcessCount(setting: string | undefined, cores: number): number {
  if (setting === undefined || setting.trim() === "") return Math.max(1, Math.min(2, cores));
  const count = Number(setting);
  if (!Number.isInteger(count) || count < 1 || count > 16)
    throw new Error(`GANTRY_WEB_PROCESSES must be a whole number from 1 to 16 (got ${JSON.stringify(setting)})`);
  return count;
}
