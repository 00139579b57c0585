import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "@/lib/db/embedded-postgres";
import { applyMigrations } from "@/lib/db/migrate";
import { createBoss, ensureQueues } from "@/lib/queue/boss";
import { jobs } from "@/lib/queue/jobs";

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
  const templateUrl = database.url.replace(/\/gantry$/, `/${templateDatabase}`);
  await applyMigrations({ databaseUrl: templateUrl, root: process.cwd() });
  // The queue's tables and queues, as a worker leaves them: changes that send a job in their
  // transaction (a new channel queues its first sync) work in a test without a worker.
  const boss = createBoss(templateUrl);
  await boss.start();
  await ensureQueues(boss, jobs);
  await boss.stop({ graceful: false, wait: true });
  project.provide("postgresAdminUrl", adminUrl);
  return async () => {
    await database.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
}
