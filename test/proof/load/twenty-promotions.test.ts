/**
 * Load, part 1 (GANTRY_PROOF_LONG=1 only, run by `npm run test:proof`): two worker processes
 * and twenty promotions of a three-image release created at once, into one target registry
 * under twenty prefixes. Every image is copied exactly once — one manifest PUT per target
 * repository, no blob uploaded twice into the same repository (counted at a recording proxy
 * with no rules) — and every target digest is confirmed with skopeo. Figures go to
 * test-results/proof/load.json under "workers".
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectRegistry, createRelease, promote } from "@/test/support/promotion-test-kit";
import { startWorkerProcess, type WorkerProcess } from "@/test/support/start-worker-process";
import { startFaultProxy, type RunningFaultProxy } from "@/test/fixtures/fault-proxy";
import { skopeoInspectDigest, type BuiltImage } from "@/test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";
import { setupTestDatabase } from "@/test/support/database";
import { expectConsoleAnswers, seedThreeImages, settledPromotion } from "../faults/support/fault-kit";

process.env.GANTRY_SECRET_KEY = crypto.randomBytes(32).toString("base64");
process.env.GANTRY_ALLOW_LOOPBACK_REGISTRIES = "1";
const long = process.env.GANTRY_PROOF_LONG === "1";
const database = setupTestDatabase();
const MB = 1 << 20;
const PROMOTIONS = 20;

let source: RunningRegistry;
let target: RunningRegistry;
let recorder: RunningFaultProxy;
let images: { repository: string; built: BuiltImage }[];
const workers: WorkerProcess[] = [];

describe.runIf(long)("load: twenty promotions, two worker processes", () => {
  beforeAll(async () => {
    [source, target] = await Promise.all([startRegistry(), startRegistry()]);
    images = await seedThreeImages(source, "5.0", { base: 4 * MB, own: [3 * MB, 2 * MB, MB] });
    recorder = await startFaultProxy(target);
    workers.push(
      await startWorkerProcess({ DATABASE_URL: database.url() }),
      await startWorkerProcess({ DATABASE_URL: database.url() }),
    );
  }, 180_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await recorder?.stop();
    await Promise.all([source?.stop(), target?.stop()]);
  });

  it("copies each of 60 images exactly once, every digest confirmed by skopeo", async () => {
    const sourceId = await connectRegistry("vendor", source.host);
    const targetId = await connectRegistry("target", recorder.host);
    const releaseId = await createRelease(sourceId, "5.0", images);
    const prefixes = Array.from({ length: PROMOTIONS }, (_, i) => `p${String(i + 1).padStart(2, "0")}/`);

    const started = Date.now();
    const ids = await Promise.all(
      prefixes.map((repositoryPrefix) => promote({ releaseId, targetRegistryId: targetId, repositoryPrefix })),
    );
    const views = await Promise.all(ids.map((id) => settledPromotion(id, 240_000)));
    const seconds = (Date.now() - started) / 1000;
    expect(views.map((v) => v.status)).toEqual(ids.map(() => "succeeded"));
    expect(views.flatMap((v) => v.images).every((i) => i.attempts === 1)).toBe(true);

    const repoOf = (p: string) => /^\/v2\/(.+?)\/(?:manifests|blobs)\//.exec(p)?.[1];
    // Each manifest once by digest, then each tag once (the promotion's tag step).
    const manifestPuts = (byDigest: boolean) =>
      recorder.requests
        .filter((r) => r.method === "PUT" && r.path.includes("/manifests/"))
        .filter((r) => r.path.includes("/manifests/sha256:") === byDigest)
        .map((r) => repoOf(r.path)!)
        .sort();
    const expectedRepos = prefixes.flatMap((p) => ["api", "engine", "proxy"].map((name) => `${p}${name}`)).sort();
    expect(manifestPuts(true)).toEqual(expectedRepos);
    expect(manifestPuts(false)).toEqual(expectedRepos);
    // A finished upload is the PUT carrying ?digest=: never twice for one repository and digest.
    const uploads = recorder.requests
      .filter((r) => r.method === "PUT" && r.path.includes("/blobs/uploads/"))
      .map((r) => ({ repo: repoOf(r.path)!, digest: new URL(r.path, "http://x").searchParams.get("digest")! }));
    const pairs = uploads.map((u) => `${u.repo} ${u.digest}`);
    expect(new Set(pairs).size).toBe(pairs.length);
    const uploadPosts = recorder.requests.filter((r) => r.method === "POST" && r.path.includes("/blobs/uploads/"));
    const mounts = uploadPosts.filter((r) => r.path.includes("mount=")).length;
    const perDigest = new Map<string, number>();
    for (const u of uploads) perDigest.set(u.digest, (perDigest.get(u.digest) ?? 0) + 1);
    const errors = recorder.requests.filter((r) => r.status >= 500).length;

    for (const [index, prefix] of prefixes.entries()) {
      for (const { repository, built } of images) {
        const name = `${prefix}${repository.replace(/^vendor\//, "")}`;
        expect(await skopeoInspectDigest(`${target.host}/${name}:5.0`), `${name} (promotion ${ids[index]})`).toBe(
          built.manifestDigest,
        );
      }
    }
    await expectConsoleAnswers();

    const byWorker = new Map<string, number>();
    for (const row of await database
      .db()
      .promotionImage.findMany({ where: { promotionId: { in: ids } }, select: { workerId: true } }))
      byWorker.set(row.workerId!, (byWorker.get(row.workerId!) ?? 0) + 1);
    const pushed = await database.db().auditEvent.findMany({
      where: { targetId: { in: ids }, action: "promotion.image_pushed" },
      select: { detail: true },
    });
    const bytesTransferred = pushed.reduce(
      (sum, e) => sum + Number((e.detail as { bytesTransferred?: number }).bytesTransferred ?? 0),
      0,
    );
    const releaseBytes = images.reduce((sum, i) => sum + i.built.size, 0);
    const figures = {
      promotions: PROMOTIONS,
      images: PROMOTIONS * images.length,
      workers: workers.length,
      imagesPerWorker: [...byWorker.values()],
      seconds: Number(seconds.toFixed(2)),
      promotionsPerSecond: Number((PROMOTIONS / seconds).toFixed(3)),
      releaseBytes,
      logicalBytes: releaseBytes * PROMOTIONS,
      bytesTransferred,
      manifestPuts: manifestPuts(true).length + manifestPuts(false).length,
      blobUploads: uploads.length,
      blobMounts: mounts,
      distinctBlobs: perDigest.size,
      maxUploadsOfOneDigest: Math.max(...perDigest.values()),
      duplicateUploadsIntoOneRepository: pairs.length - new Set(pairs).size,
      targetServerErrors: errors,
      skopeoVerified: PROMOTIONS * images.length,
    };
    writeLoadSection("workers", figures);
    process.stdout.write(`load: ${JSON.stringify(figures)}\n`);
  }, 600_000);
});

/** Merges one part into test-results/proof/load.json (the console bench writes "console"). */
function writeLoadSection(key: string, value: unknown): void {
  const file = path.join(process.cwd(), "test-results", "proof", "load.json");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const current = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>) : {};
  fs.writeFileSync(
    file,
    `${JSON.stringify({ ...current, [key]: { ...(value as object), writtenAt: new Date().toISOString() } }, null, 2)}\n`,
  );
}
