import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { promoteImageJob } from "@/lib/queue/jobs/promote-image";
import { recoverStalledImagesJob } from "@/lib/queue/jobs/promote-recover-stalled";
import { startFaultProxy, type RunningFaultProxy } from "@/test/fixtures/fault-proxy";
import { seedImage, skopeoInspectDigest, type BuiltImage } from "@/test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";
import { setupTestDatabase } from "@/test/support/database";
import { runWorker } from "@/worker/run-worker";
import { connectRegistry, createRelease, promote, waitForPromotion } from "@/test/support/promotion-test-kit";
import { startWorkerProcess, type WorkerProcess } from "@/test/support/start-worker-process";

process.env.GANTRY_SECRET_KEY = crypto.randomBytes(32).toString("base64");
process.env.GANTRY_ALLOW_LOOPBACK_REGISTRIES = "1";
// A worker silent for 3 s counts as dead (30 s in production), so recovery is quick here.
process.env.GANTRY_PROMOTION_STALL_SECONDS = "3";
const database = setupTestDatabase();
const MB = 1 << 20;

let source: RunningRegistry;
let sourceProxy: RunningFaultProxy;
let sourceId: string;
const built: Record<string, BuiltImage> = {};
const cleanup: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  source = await startRegistry();
  const base = { size: 2 * MB, seed: "workers-base" };
  built.api = await seedImage(source, "vendor/api", "3.0", { layers: [base, { size: 3 * MB, seed: "workers-api" }] });
  built.engine = await seedImage(source, "vendor/engine", "3.0", {
    layers: [base, { size: 2 * MB, seed: "workers-engine" }],
  });
  built.proxy = await seedImage(source, "vendor/proxy", "3.0", { layers: [base, { size: MB, seed: "workers-proxy" }] });
  built.big = await seedImage(source, "vendor/big", "3.0", { layers: [{ size: 10 * MB, seed: "workers-big" }] });
  sourceProxy = await startFaultProxy(source);
  sourceId = await connectRegistry("vendor", sourceProxy.host);
});

afterAll(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
  await sourceProxy?.stop();
  await source?.stop();
});

describe("worker processes", () => {
  it("recovers an image whose worker was killed mid-push (SIGKILL): another worker finishes it", async () => {
    const target = await startRegistry();
    cleanup.push(() => target.stop());
    const targetId = await connectRegistry("recovery-target", target.host);
    const releaseId = await createRelease(sourceId, "3.0", [{ repository: "vendor/big", built: built.big! }]);
    sourceProxy.addRule({
      match: { method: "GET", path: /\/blobs\/sha256:/ },
      times: Infinity,
      action: { kind: "trickle", bytesPerSecond: MB },
    });

    const doomed = await startWorkerProcess({ DATABASE_URL: database.url() });
    cleanup.push(() => doomed.stop());
    const id = await promote({ releaseId, targetRegistryId: targetId });
    const moving = await waitForPromotion(
      id,
      (v) => v.images[0]!.status === "pushing" && v.images[0]!.bytesDone > 0,
      30_000,
    );
    expect((await database.db().promotionImage.findFirstOrThrow({ where: { promotionId: id } })).workerId).toBe(
      doomed.id,
    );
    doomed.child.kill("SIGKILL");
    await doomed.stop();
    sourceProxy.clearRules();
    expect(moving.images[0]!.status).toBe("pushing");

    // Past the stall threshold, a worker starting up recovers it (as the minute cron would).
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    const rescuer = await runWorker({
      databaseUrl: database.url(),
      definitions: [promoteImageJob, recoverStalledImagesJob],
    });
    cleanup.push(() => rescuer.stop());
    const done = await waitForPromotion(id, (v) => v.status === "succeeded" || v.status === "failed", 45_000);
    expect(done.status).toBe("succeeded");
    expect(done.images[0]).toMatchObject({ status: "pushed", attempts: 2, targetDigest: built.big!.manifestDigest });
    const row = await database.db().promotionImage.findFirstOrThrow({ where: { promotionId: id } });
    expect(row.workerId).toBe(rescuer.id);
    expect(await skopeoInspectDigest(`${target.host}/vendor/big:3.0`)).toBe(built.big!.manifestDigest);
    const requeued = await database
      .db()
      .auditEvent.findFirstOrThrow({ where: { targetId: id, action: "promotion.image_requeued" } });
    expect(requeued.actorLabel).toBe("system");
    expect(JSON.stringify(requeued.detail)).toContain(doomed.id);
    await rescuer.stop();
    cleanup.pop();
  }, 120_000);

  it("copies each image exactly once with two worker processes taking the jobs", async () => {
    const target = await startRegistry();
    cleanup.push(() => target.stop());
    const recorder = await startFaultProxy(target);
    cleanup.push(() => recorder.stop());
    const targetId = await connectRegistry("two-workers-target", recorder.host);
    const releaseId = await createRelease(sourceId, "3.0", [
      { repository: "vendor/api", built: built.api! },
      { repository: "vendor/engine", built: built.engine! },
      { repository: "vendor/proxy", built: built.proxy! },
    ]);
    const workers: WorkerProcess[] = [
      await startWorkerProcess({ DATABASE_URL: database.url() }),
      await startWorkerProcess({ DATABASE_URL: database.url() }),
    ];
    for (const w of workers) cleanup.push(() => w.stop());

    const id = await promote({ releaseId, targetRegistryId: targetId, repositoryPrefix: "team/" });
    const done = await waitForPromotion(id, undefined, 60_000);
    expect(done.status).toBe("succeeded");
    expect(done.images.every((i) => i.attempts === 1)).toBe(true);

    const repoOf = (p: string) => /^\/v2\/(.+?)\/(?:manifests|blobs)\//.exec(p)?.[1];
    const manifestPuts = (byDigest: boolean) =>
      recorder.requests
        .filter((r) => r.method === "PUT" && r.path.includes("/manifests/"))
        .filter((r) => r.path.includes("/manifests/sha256:") === byDigest)
        .map((r) => repoOf(r.path))
        .sort();
    // Each manifest once by digest, then each tag once (the tag step runs once, after all three).
    expect(manifestPuts(true)).toEqual(["team/api", "team/engine", "team/proxy"]);
    expect(manifestPuts(false)).toEqual(["team/api", "team/engine", "team/proxy"]);
    // A finished upload is the PUT that carries ?digest=; count them per repository and digest.
    const uploads = recorder.requests
      .filter((r) => r.method === "PUT" && r.path.includes("/blobs/uploads/"))
      .map((r) => `${repoOf(r.path)} ${new URL(r.path, "http://x").searchParams.get("digest")}`);
    expect(new Set(uploads).size).toBe(uploads.length);
    const mounts = recorder.requests.filter((r) => r.method === "POST" && r.path.includes("mount=")).length;
    const base = built.api!.blobs.find((b) => built.engine!.blobs.some((e) => e.digest === b.digest && b.size > MB))!;
    const baseUploads = uploads.filter((u) => u.endsWith(base.digest)).length;
    const byWorker = new Map<string, number>();
    for (const row of await database
      .db()
      .promotionImage.findMany({ where: { promotionId: id }, select: { workerId: true } }))
      byWorker.set(row.workerId!, (byWorker.get(row.workerId!) ?? 0) + 1);
    process.stdout.write(
      `two workers: images per worker ${[...byWorker.values()].join("/")}; shared base layer uploaded ${baseUploads}×, mounted ${mounts}×\n`,
    );
    // The job that woke first took the promotion's other pending images along: the base moved once.
    expect(baseUploads).toBe(1);
    expect(mounts).toBe(2);
    for (const [name, image] of [
      ["api", built.api],
      ["engine", built.engine],
      ["proxy", built.proxy],
    ] as const) {
      expect(await skopeoInspectDigest(`${target.host}/team/${name}:3.0`)).toBe(image!.manifestDigest);
    }
  });
});
