import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runChange } from "@/lib/change/run-change";
import { promoteImageJob } from "@/lib/queue/jobs/promote-image";
import { recoverStalledImagesJob } from "@/lib/queue/jobs/promote-recover-stalled";
import { startFaultProxy, type RunningFaultProxy } from "@/test/fixtures/fault-proxy";
import { seedImage, skopeoInspectDigest, type BuiltImage } from "@/test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";
import { setupTestDatabase } from "@/test/support/database";
import { runWorker, type RunningWorker } from "@/worker/run-worker";
import { PROMOTION_PROGRESS_CHANNEL } from "./promotion-progress-channel";
import {
  client,
  connectRegistry,
  createRelease,
  listedAs,
  operator,
  promote,
  summaryOf,
  waitForPromotion,
} from "@/test/support/promotion-test-kit";
import { resumePromotion } from "./resume-promotion";
import { stopPromotion } from "./stop-promotion";

process.env.GANTRY_SECRET_KEY = crypto.randomBytes(32).toString("base64");
process.env.GANTRY_ALLOW_LOOPBACK_REGISTRIES = "1";
const database = setupTestDatabase();
const MB = 1 << 20;

let source: RunningRegistry;
let target: RunningRegistry;
let slowSource: RunningFaultProxy;
let worker: RunningWorker;
let built: BuiltImage;

beforeAll(async () => {
  [source, target] = await Promise.all([startRegistry(), startRegistry()]);
  built = await seedImage(source, "vendor/big", "2.0", { layers: [{ size: 12 * MB, seed: "stop-resume-big" }] });
  slowSource = await startFaultProxy(source);
  worker = await runWorker({ databaseUrl: database.url(), definitions: [promoteImageJob, recoverStalledImagesJob] });
});

afterAll(async () => {
  await worker?.stop();
  await slowSource?.stop();
  await Promise.all([source?.stop(), target?.stop()]);
});

describe("stop and resume", () => {
  it("stops a push in flight within 2 s (no byte arrives after), then resumes it to pushed", async () => {
    // Blobs come from the source at 1 MiB/s: the 12 MiB layer takes about 12 s.
    slowSource.addRule({
      match: { method: "GET", path: /\/blobs\/sha256:/ },
      times: Infinity,
      action: { kind: "trickle", bytesPerSecond: MB },
    });
    const sourceId = await connectRegistry("slow-vendor", slowSource.host);
    const targetId = await connectRegistry("target", target.host);
    const releaseId = await createRelease(sourceId, "2.0", [{ repository: "vendor/big", built }]);
    const listener = new pg.Client({ connectionString: database.url() });
    await listener.connect();
    const heard: { payload: string; at: number }[] = [];
    listener.on("notification", (n) => heard.push({ payload: n.payload ?? "", at: Date.now() }));
    await listener.query(`LISTEN ${PROMOTION_PROGRESS_CHANNEL}`);
    const id = await promote({ releaseId, targetRegistryId: targetId });

    const moving = await waitForPromotion(
      id,
      (v) => v.images[0]!.status === "pushing" && v.images[0]!.bytesDone > 3 * MB,
      30_000,
    );
    expect(moving.status).toBe("running");
    const stoppedAt = Date.now();
    // Progress is announced as it is written, at most four writes a second for the one image.
    const progress = heard.filter((h) => h.payload === id);
    expect(heard.every((h) => h.payload === id)).toBe(true);
    const span = (progress.at(-1)!.at - progress[0]!.at) / 1000;
    expect(progress.length).toBeGreaterThan(4);
    expect(progress.length).toBeLessThanOrEqual(Math.ceil(span * 4) + 4);
    await listener.end();
    const stopped = await runChange(stopPromotion, operator, { id }, client);
    expect(stopped).toMatchObject({ ok: true, data: { status: "stopped", images: 1 } });

    await sleep(2_000 - (Date.now() - stoppedAt));
    const sizeAfter2s = storedBytes(target.dataDir);
    const rowAfter2s = await database.db().promotionImage.findFirstOrThrow({ where: { promotionId: id } });
    await sleep(2_000);
    expect(storedBytes(target.dataDir)).toBe(sizeAfter2s);
    expect(sizeAfter2s).toBeLessThan(12 * MB);
    const rowAfter4s = await database.db().promotionImage.findFirstOrThrow({ where: { promotionId: id } });
    expect(rowAfter4s.status).toBe("stopped");
    // The worker wrote nothing more once it let go of the row.
    expect(rowAfter4s.updatedAt.getTime()).toBe(rowAfter2s.updatedAt.getTime());
    expect((await waitForPromotion(id)).status).toBe("stopped");

    slowSource.clearRules();
    const resumed = await runChange(resumePromotion, operator, { id }, client);
    expect(resumed).toMatchObject({ ok: true, data: { status: "queued", images: 1 } });
    const done = await waitForPromotion(id, (v) => v.status === "succeeded" || v.status === "failed");
    expect(done.status).toBe("succeeded");
    expect(done.images[0]).toMatchObject({ status: "pushed", attempts: 2, targetDigest: built.manifestDigest });
    expect(await skopeoInspectDigest(`${target.host}/vendor/big:2.0`)).toBe(built.manifestDigest);
    const actions = (
      await database
        .db()
        .auditEvent.findMany({ where: { targetId: id }, orderBy: { id: "asc" }, select: { action: true } })
    ).map((e) => e.action);
    expect(actions).toEqual([
      "promotion.created",
      "promotion.stopped",
      "promotion.resumed",
      "promotion.image_pushed",
      "promotion.tags_moved",
      "promotion.succeeded",
    ]);
    expect(await runChange(resumePromotion, operator, { id }, client)).toMatchObject({ ok: false, status: 409 });
  });

  it("hands an image back when its worker shuts down, and the next worker finishes it", async () => {
    slowSource.addRule({
      match: { method: "GET", path: /\/blobs\/sha256:/ },
      times: Infinity,
      action: { kind: "trickle", bytesPerSecond: MB },
    });
    const sourceId = await connectRegistry("slow-vendor-2", slowSource.host);
    const fresh = await startRegistry();
    const targetId = await connectRegistry("target-2", fresh.host);
    const releaseId = await createRelease(sourceId, "2.0", [{ repository: "vendor/big", built }]);
    try {
      const id = await promote({ releaseId, targetRegistryId: targetId });
      await waitForPromotion(id, (v) => v.images[0]!.status === "pushing" && v.images[0]!.bytesDone > 0, 30_000);
      const stopping = Date.now();
      await worker.stop();
      expect(Date.now() - stopping).toBeLessThan(5_000);
      const handedBack = await database.db().promotionImage.findFirstOrThrow({ where: { promotionId: id } });
      expect(handedBack).toMatchObject({ status: "pending", workerId: null });
      expect((await database.db().promotion.findUniqueOrThrow({ where: { id } })).status).toBe("running");
      expect(
        await database.db().auditEvent.count({ where: { targetId: id, action: "promotion.image_requeued" } }),
      ).toBe(1);

      slowSource.clearRules();
      worker = await runWorker({
        databaseUrl: database.url(),
        definitions: [promoteImageJob, recoverStalledImagesJob],
      });
      const done = await waitForPromotion(id, (v) => v.status === "succeeded" || v.status === "failed");
      expect(done.status).toBe("succeeded");
      expect(done.images[0]).toMatchObject({ status: "pushed", attempts: 2 });
    } finally {
      await fresh.stop();
    }
  });

  it("after a stop and resume, totals are the release's and what the target had counts as already there", async () => {
    slowSource.addRule({
      match: { method: "GET", path: /\/blobs\/sha256:/ },
      times: Infinity,
      action: { kind: "trickle", bytesPerSecond: MB },
    });
    const small = await seedImage(source, "vendor/small", "2.0", { layers: [{ size: MB, seed: "stop-resume-small" }] });
    const sourceId = await connectRegistry("slow-vendor-3", slowSource.host);
    const fresh = await startRegistry();
    const targetId = await connectRegistry("target-3", fresh.host);
    const releaseId = await createRelease(sourceId, "2.0", [
      { repository: "vendor/big", built },
      { repository: "vendor/small", built: small },
    ]);
    try {
      const id = await promote({ releaseId, targetRegistryId: targetId });
      // Both images are copied in one call: the small one's manifest lands while the big one moves.
      const moving = await waitForPromotion(id, (v) => v.images.every((i) => i.blobsTotal > 0 && i.bytesTotal > 0));
      const planned = Object.fromEntries(moving.images.map((i) => [i.component, i.bytesTotal]));
      const smallImage = moving.images.find((i) => i.component === "vendor/small")!;
      // By digest: the tags move only once both images are pushed.
      await waitFor(() => hasManifest(smallImage.target, smallImage.digest), 30_000);
      expect(await runChange(stopPromotion, operator, { id }, client)).toMatchObject({ ok: true });
      const stopped = await waitForPromotion(id);
      expect(stopped.images.map((i) => i.status)).toEqual(["stopped", "stopped"]);

      slowSource.clearRules();
      expect(await runChange(resumePromotion, operator, { id }, client)).toMatchObject({ ok: true });
      const done = await waitForPromotion(id, (v) => v.status === "succeeded" || v.status === "failed");
      expect(done.status).toBe("succeeded");
      const [bigView, smallView] = done.images;
      // The small image was at the target whole: its size stays, all of it already there.
      expect(smallView).toMatchObject({ status: "pushed", attempts: 2 });
      // The plan counts the manifest too; the copy counts blobs.
      expect(Math.abs(smallView!.bytesTotal - planned["vendor/small"]!)).toBeLessThan(4096);
      expect(smallView!.bytesTotal).toBeGreaterThan(MB);
      expect(smallView!.bytesDone).toBe(smallView!.bytesTotal);
      expect(smallView!.bytesAlreadyThere).toBe(smallView!.bytesTotal);
      expect(bigView).toMatchObject({ status: "pushed", attempts: 2 });
      expect(bigView!.bytesTotal).toBeGreaterThan(12 * MB);
      expect(bigView!.bytesAlreadyThere).toBeLessThan(bigView!.bytesTotal);
      expect(done.totals).toMatchObject({
        bytesTotal: bigView!.bytesTotal + smallView!.bytesTotal,
        bytesDone: bigView!.bytesTotal + smallView!.bytesTotal,
        bytesAlreadyThere: bigView!.bytesAlreadyThere + smallView!.bytesTotal,
        blobsDone: bigView!.blobsTotal + smallView!.blobsTotal,
      });
      // The API list and the Promotions page count the same, without loading each layer.
      const { summary, row } = await listedAs(id);
      expect(summary).toEqual(summaryOf((await waitForPromotion(id))!));
      expect(row?.totals).toEqual(done.totals);
      expect(row).toMatchObject({ status: "succeeded", release: { tag: "2.0" }, target: { name: "target-3" } });
    } finally {
      await fresh.stop();
    }
  });
});

async function hasManifest(reference: string, digest: string): Promise<boolean> {
  const [host, rest] = [reference.slice(0, reference.indexOf("/")), reference.slice(reference.indexOf("/") + 1)];
  const [repository] = rest.split(":");
  const response = await fetch(`http://${host}/v2/${repository}/manifests/${digest}`, {
    method: "HEAD",
    headers: { accept: "application/vnd.oci.image.manifest.v1+json" },
  });
  return response.ok;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not there within ${timeoutMs} ms`);
    await sleep(100);
  }
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** Bytes in the registry's storage, uploads in progress included. */
function storedBytes(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .reduce((sum, e) => sum + fs.statSync(path.join(e.parentPath, e.name)).size, 0);
}
