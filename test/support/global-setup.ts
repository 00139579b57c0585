import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "@/lib/db/embedded-postgres";
import { applyMigrations } from "@/lib/db/migrate";

declare module "vitest" {
  export interface ProvidedContext {
    /** A server URL (database `postgres`) on which tests create their throwaway databases. */
    postgresAdminUrl: string;
  }
}

export const templateDatabase = "gantry_template";

/**
 * One real Postgres for the whole run (embedded, in a temp folder), with a migrated template
 * database; each test file copies the template into a database of its own.
 */
export default async function setup(project: TestProject) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "gantry-test-pg-"));
  fs.chmodSync(dataDir, 0o755);
  const database = await startEmbeddedPostgres({ dataDir });
  const adminUrl = database.url.replace(/\/gantry$/, "/postgres");
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`CREATE DATABASE ${templateDatabase}`);
  await client.end();
  await applyMigrations({
    databaseUrl: database.url.replace(/\/gantry$/, `/${templateDatabase}`),
    root: process.cwd(),
  });
  project.provide("postgresAdminUrl", adminUrl);
  return async () => {
    await database.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
}
