// Issue 18: Gantry on an external Postgres, as a platform team with a managed Postgres runs
// it — Debian's PostgreSQL server, a database made for this run, owned by a LOGIN-only role,
// and only `bin/gantry` commands with DATABASE_URL.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runGantry, serviceEnv, startGantry } from "@/test/support/gantry-cli-process";
import {
  admin,
  externalPostgresBinDir,
  externalPostgresMissing,
  startExternalPostgres,
  type AppDatabase,
  type ExternalPostgres,
} from "@/test/support/external-postgres";

const available = externalPostgresBinDir() !== null;
if (!available) console.warn(externalPostgresMissing);

describe.skipIf(!available)("an external Postgres through DATABASE_URL, as a least-privileged role", () => {
  let server: ExternalPostgres;
  let database: AppDatabase;
  let env: NodeJS.ProcessEnv;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "gantry-ext-data-"));

  beforeAll(async () => {
    server = await startExternalPostgres();
    database = await server.createDatabase();
    // A data folder that must stay empty: with DATABASE_URL and both keys set, nothing is written there.
    env = serviceEnv(database.url, { GANTRY_DATA_DIR: dataDir });
  });

  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("runs as a role that is neither superuser nor allowed to create databases or roles", async () => {
    const [roles] = await admin(
      server.adminUrl,
      `SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = '${database.role}'`,
    );
    expect(roles!.rows).toEqual([{ rolsuper: false, rolcreatedb: false, rolcreaterole: false }]);
  });

  it("`gantry migrate deploy` applies every migration; `migrate status` then says up to date", async () => {
    const deployed = await runGantry(["migrate", "deploy"], env);
    expect(deployed, deployed.stderr).toMatchObject({ code: 0 });
    expect(deployed.stdout).toMatch(/^applied:\n(  \d{14}_\w+\n)+$/);
    const status = await runGantry(["migrate", "status"], env);
    expect(status).toMatchObject({ code: 0, stdout: "database is up to date\n" });
    const again = await runGantry(["migrate", "deploy"], env);
    expect(again).toMatchObject({ code: 0, stdout: "database is up to date\n" });
  });

  it("a worker creates its queue schema and reports a heartbeat; users, tokens and the audit chain work", async () => {
    const worker = await startGantry(["worker"], env, /worker \S+ started/, 60_000);
    try {
      const [schema, heartbeats] = await admin(
        database.url,
        "SELECT nspowner::regrole::text AS owner FROM pg_namespace WHERE nspname = 'pgboss'",
        'SELECT count(*)::int AS n FROM "WorkerHeartbeat"',
      );
      expect(schema!.rows).toEqual([{ owner: database.role }]);
      expect(heartbeats!.rows).toEqual([{ n: 1 }]);

      const created = await runGantry(
        ["users", "create", "--email", "ops@example.com", "--role", "admin", "--password-stdin"],
        env,
        "a-long-enough-password\n",
      );
      expect(created, created.stderr).toMatchObject({ code: 0 });
      const token = await runGantry(["tokens", "create", "--email", "ops@example.com", "--name", "ci"], env);
      expect(token.stdout).toMatch(/^gty_\S+\n$/);
      const verified = await runGantry(["audit", "verify"], env);
      expect(verified).toMatchObject({ code: 0, stdout: expect.stringContaining("audit chain intact: 2 events") });
    } finally {
      await worker.stop();
    }
    expect(worker.child.exitCode).toBe(0);
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });
});
