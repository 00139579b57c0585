/**
 * Processes dying under a running promotion: Postgres restarted, a worker killed with
 * SIGKILL (GANTRY_PROOF_LONG=1 only). The suite's shared Postgres cannot be restarted, so this file runs its own
 * embedded Postgres (lib/db/embedded-postgres.ts, migrated like the test template) and
 * points the app's client and the worker processes at it.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "@/lib/db/embedded-postgres";
import { applyMigrations } from "@/lib/db/migrate";
import { db } from "@/lib/db/prisma";
import { connectRegistry, createRelease, promote, waitForPromotion } from "@/test/support/promotion-test-kit";
import { startWorkerProcess, type WorkerProcess } from "@/test/support/start-worker-process";
import { startFaultProxy, type RunningFaultProxy } from "@/test/fixtures/fault-proxy";
import { skopeoInspectDigest, type BuiltImage } from "@/test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";
import { faultLog } from "./support/fault-log";
import { expectConsoleAnswers, seedThreeImages, settledPromotion, sleep } from "./support/fault-kit";

process.env.GANTRY_SECRET_KEY = crypto.randomBytes(32).toString("base64");
process.env.GANTRY_ALLOW_LOOPBACK_REGISTRIES = "1";
// A worker silent for 3 s counts as gone (30 s in production), so recovery is quick here.
process.env.GANTRY_PROMOTION_STALL_SECONDS = "3";
const MB = 1 << 20;
const long = process.env.GANTRY_PROOF_LONG === "1";
const log = faultLog("process-faults");

let dataDir: string;
let postgres: EmbeddedDatabase;
let source: RunningRegistry;
let sourceProxy: RunningFaultProxy;
let sourceId: string;
let releaseId: string;
let images: { repository: string; built: BuiltImage }[];
const cleanup: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "gantry-proof-pg-"));
  // As root, embedded Postgres runs as `postgres`, which must reach <dataDir>/pg.
  fs.chmodSync(dataDir, 0o755);
  postgres = await startEmbeddedPostgres({ dataDir });
  await applyMigrations({ databaseUrl: postgres.url, root: process.cwd() });
  process.env.DATABASE_URL = postgres.url;
  source = await startRegistry();
  images = await seedThreeImages(source, "2.0", { base: MB, own: [3 * MB, 2 * MB, MB] });
  sourceProxy = await startFaultProxy(source);
  sourceId = await connectRegistry("vendor", sourceProxy.host);
  releaseId = await createRelease(sourceId, "2.0", images);
}, 180_000);

afterAll(async () => {
  log.write();
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
  await db()
    .$disconnect()
    .catch(() => undefined);
  await sourceProxy?.stop();
  await source?.stop();
  await postgres?.stop().catch(() => undefined);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const running: WorkerProcess[] = [];

async function worker(): Promise<WorkerProcess> {
  const started = await startWorkerProcess({ DATABASE_URL: postgres.url });
  running.push(started);
  cleanup.push(() => started.stop());
  return started;
}

/** Each test starts from no worker, so it knows which one holds its images. */
async function stopWorkers(): Promise<void> {
  await Promise.all(running.splice(0).map((w) => w.stop()));
}

async function freshTarget() {
  const registry = await startRegistry();
  cleanup.push(() => registry.stop());
  return { registry, id: await connectRegistry(`target-${crypto.randomBytes(3).toString("hex")}`, registry.host) };
}

async function expectAllAtTarget(registry: RunningRegistry) {
  for (const { repository, built } of images)
    expect(await skopeoInspectDigest(`${registry.host}/${repository}:2.0`)).toBe(built.manifestDigest);
}

describe("processes dying under a running promotion", () => {
  it("finishes a promotion when Postgres restarts mid-copy", async () => {
    const { registry, id: targetId } = await freshTarget();
    const copier = await worker();
    // About 5 s of copying, so the database goes away with bytes in flight.
    sourceProxy.addRule({
      match: { method: "GET", path: /\/blobs\/sha256:/ },
      times: Infinity,
      action: { kind: "trickle", bytesPerSecond: 1.5 * MB },
    });
    const id = await promote({ releaseId, targetRegistryId: targetId });
    const moving = await waitForPromotion(
      id,
      (v) => v.images.some((i) => i.status === "pushing" && i.bytesDone > 256 * 1024),
      30_000,
    );
    const down = Date.now();
    await postgres.stop();
    await sleep(2_000);
    postgres = await startEmbeddedPostgres({ dataDir });
    expect(postgres.url).toBe(process.env.DATABASE_URL);
    const downSeconds = (Date.now() - down) / 1000;
    sourceProxy.clearRules();

    // The copy may need the stall recovery: a replacement worker does it at start, as the minute cron would.
    const settledOrStuck = await waitForPromotion(
      id,
      (v) => v.status === "succeeded" || v.status === "failed",
      30_000,
    ).catch(() => undefined);
    let recovered = false;
    if (!settledOrStuck) {
      recovered = true;
      await worker();
    }
    const view = await settledPromotion(id);
    expect(view.status, JSON.stringify(view.images.map((i) => [i.status, i.failure]))).toBe("succeeded");
    await expectAllAtTarget(registry);
    await expectConsoleAnswers();
    const workerAlive = copier.child.exitCode === null && copier.child.signalCode === null;
    log.add({
      area: "Postgres",
      tried: `restarted mid-copy (${(moving.totals.bytesDone / MB).toFixed(1)} of ${(moving.totals.bytesTotal / MB).toFixed(1)} MiB moved; down ${downSeconds.toFixed(1)} s)`,
      cases: 1,
      outcome: `succeeded: 3/3 pushed, digests confirmed by skopeo, attempts ${view.images.map((i) => i.attempts).join("/")}; worker ${workerAlive ? "kept running" : "exited"}${recovered ? ", stall recovery needed" : ""}`,
    });
  }, 150_000);

  // Long only: lib/promotions/worker-processes.test.ts already kills a lone worker in `npm test`.
  it.runIf(long)(
    "finishes a promotion whose worker is killed with SIGKILL mid-push, with a second worker running",
    async () => {
      await stopWorkers();
      const { registry, id: targetId } = await freshTarget();
      const [first, second] = [await worker(), await worker()];
      sourceProxy.addRule({
        match: { method: "GET", path: /\/blobs\/sha256:/ },
        times: Infinity,
        action: { kind: "trickle", bytesPerSecond: 1.5 * MB },
      });
      const id = await promote({ releaseId, targetRegistryId: targetId });
      await waitForPromotion(
        id,
        (v) => v.images.some((i) => i.status === "pushing" && i.bytesDone > 256 * 1024),
        30_000,
      );
      const holders = new Set(
        (
          await db().promotionImage.findMany({
            where: { promotionId: id, status: "pushing" },
            select: { workerId: true },
          })
        ).map((r) => r.workerId),
      );
      expect([...holders].every((h) => h === first!.id || h === second!.id)).toBe(true);
      const doomed = holders.has(first!.id) ? first! : second!;
      const survivor = doomed === first ? second! : first!;
      doomed.child.kill("SIGKILL");
      await doomed.stop();
      sourceProxy.clearRules();

      // Past the stall threshold, a replacement worker starting up recovers the images (the minute cron would too).
      await sleep(3_500);
      await worker();
      const view = await settledPromotion(id, 60_000);
      expect(view.status, JSON.stringify(view.images.map((i) => [i.status, i.failure]))).toBe("succeeded");
      expect(view.images.every((i) => i.attempts <= 2)).toBe(true);
      const requeued = await db().auditEvent.count({ where: { targetId: id, action: "promotion.image_requeued" } });
      const actions = (
        await db().auditEvent.findMany({
          where: { targetId: id },
          orderBy: { id: "asc" },
          select: { action: true, detail: true },
        })
      ).map((e) => `${e.action} ${JSON.stringify(e.detail)}`);
      expect(requeued, `${[...holders].join(",")} doomed ${doomed.id}\n${actions.join("\n")}`).toBeGreaterThan(0);
      expect(survivor.child.exitCode).toBeNull();
      await expectAllAtTarget(registry);
      await expectConsoleAnswers();
      log.add({
        area: "worker",
        tried:
          "the worker copying a promotion killed with SIGKILL mid-push (a second worker running; a replacement started after 3.5 s)",
        cases: 1,
        outcome: `succeeded: 3/3 pushed, digests confirmed by skopeo, ${requeued} image(s) requeued by the stall recovery, attempts ${view.images.map((i) => i.attempts).join("/")}`,
      });
    },
    150_000,
  );
});
