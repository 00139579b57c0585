/**
 * Faults on the wire, at the promotion level: a promotion created through createPromotion and
 * copied by a real worker, while the registries misbehave. Each test ends with the promotion
 * settled (pushed, or failed with the right kind), no image left pushing, the digests
 * confirmed by skopeo and the console answering. Quick by default; GANTRY_PROOF_LONG=1 runs
 * more seeded reset runs.
 */
import crypto from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { runChange } from "@/lib/change/run-change";
import {
  client,
  connectRegistry,
  createRelease,
  operator,
  promote,
  waitForPromotion,
} from "@/test/support/promotion-test-kit";
import { retryPromotion } from "@/lib/promotions/retry-promotion";
import { promoteImageJob } from "@/lib/queue/jobs/promote-image";
import { recoverStalledImagesJob } from "@/lib/queue/jobs/promote-recover-stalled";
import { startFaultProxy, type FaultRule, type RunningFaultProxy } from "@/test/fixtures/fault-proxy";
import { skopeoInspectDigest, type BuiltImage } from "@/test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";
import { setupTestDatabase } from "@/test/support/database";
import { runWorker, type RunningWorker } from "@/worker/run-worker";
import { faultLog } from "./support/fault-log";
import { expectConsoleAnswers, seededRandom, seedThreeImages, settledPromotion } from "./support/fault-kit";

process.env.GANTRY_SECRET_KEY = crypto.randomBytes(32).toString("base64");
process.env.GANTRY_ALLOW_LOOPBACK_REGISTRIES = "1";
const database = setupTestDatabase();
const MB = 1 << 20;
const long = process.env.GANTRY_PROOF_LONG === "1";
const RESET_RUNS = long ? 20 : 4;
const log = faultLog("registry-faults");

let source: RunningRegistry;
let sourceProxy: RunningFaultProxy;
let sourceId: string;
let releaseId: string;
let images: { repository: string; built: BuiltImage }[];
let worker: RunningWorker;
const cleanup: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  source = await startRegistry();
  images = await seedThreeImages(source, "1.0");
  sourceProxy = await startFaultProxy(source);
  sourceId = await connectRegistry("vendor", sourceProxy.host);
  releaseId = await createRelease(sourceId, "1.0", images);
  worker = await runWorker({ databaseUrl: database.url(), definitions: [promoteImageJob, recoverStalledImagesJob] });
});

afterEach(() => sourceProxy.clearRules());

afterAll(async () => {
  log.write();
  await worker?.stop();
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
  await sourceProxy?.stop();
  await source?.stop();
});

/** A fresh target registry (stopped after the file), optionally behind a fault proxy. */
async function freshTarget(options: Parameters<typeof startRegistry>[0] = {}, proxied = false) {
  const registry = await startRegistry(options);
  cleanup.push(() => registry.stop());
  const proxy = proxied ? await startFaultProxy(registry) : undefined;
  if (proxy) cleanup.push(() => proxy.stop());
  const id = await connectRegistry(
    `target-${crypto.randomBytes(3).toString("hex")}`,
    proxy?.host ?? registry.host,
    options.auth && options.auth !== "none" ? { username: "gantry", password: "gantry-pass" } : undefined,
  );
  return { registry, proxy, id };
}

/** Every image of the release is at the target under `prefix`, with the source's digest (skopeo's word). */
async function expectAllAtTarget(registry: RunningRegistry, prefix = "") {
  const creds = registry.auth === "none" ? {} : { creds: "gantry:gantry-pass" };
  for (const { repository, built } of images) {
    const name = repository.replace(/^vendor\//, prefix);
    expect(await skopeoInspectDigest(`${registry.host}/${name}:1.0`, creds)).toBe(built.manifestDigest);
  }
}

describe("registry faults during a promotion", () => {
  it("survives the target registry restarting in the middle of a push", async () => {
    const { registry, id: targetId } = await freshTarget();
    // About 3 s of copying: long enough to restart the target with bytes in flight.
    sourceProxy.addRule({
      match: { method: "GET", path: /\/blobs\/sha256:/ },
      times: Infinity,
      action: { kind: "trickle", bytesPerSecond: 1.5 * MB },
    });
    const id = await promote({ releaseId, targetRegistryId: targetId, repositoryPrefix: "" });
    const moving = await waitForPromotion(
      id,
      (v) => v.images.some((i) => i.status === "pushing" && i.bytesDone > 256 * 1024),
      30_000,
    );
    const restarting = Date.now();
    await registry.restart();
    const restartMs = Date.now() - restarting;
    const view = await settledPromotion(id);
    expect(view.status, JSON.stringify(view.images.map((i) => i.failure))).toBe("succeeded");
    expect(view.images.every((i) => i.status === "pushed" && i.bytesDone === i.bytesTotal)).toBe(true);
    await expectAllAtTarget(registry);
    await expectConsoleAnswers();
    log.add({
      area: "target registry",
      tried: `restarted mid-push (${(moving.totals.bytesDone / MB).toFixed(1)} of ${(moving.totals.bytesTotal / MB).toFixed(1)} MiB moved; down ${(restartMs / 1000).toFixed(1)} s)`,
      cases: 1,
      outcome: `succeeded: 3/3 pushed, digests confirmed by skopeo, attempts ${view.images.map((i) => i.attempts).join("/")}`,
    });
  });

  it(`finishes every promotion when connections are cut at seeded random byte offsets (${RESET_RUNS} runs)`, async () => {
    const random = seededRandom(20_240_913);
    const blobs = [...new Map(images.flatMap((i) => i.built.blobs).map((b) => [b.digest, b])).values()].filter(
      (b) => b.size > 1024,
    );
    const outcomes: string[] = [];
    let injected = 0;
    for (let run = 0; run < RESET_RUNS; run++) {
      const { registry, proxy, id: targetId } = await freshTarget({}, true);
      // Source side: a blob download cut after a random number of bytes, twice.
      for (let cut = 0; cut < 2; cut++) {
        const blob = blobs[Math.floor(random() * blobs.length)]!;
        sourceProxy.addRule({
          match: { method: "GET", path: new RegExp(`/blobs/${blob.digest}$`) },
          action: { kind: "drop-after-bytes", bytes: Math.floor(random() * blob.size) },
        });
      }
      // Target side: one upload step answered by a reset socket.
      const step: FaultRule["match"][] = [
        { method: "POST", path: /\/blobs\/uploads\/$/ },
        { method: "PATCH" },
        { method: "PUT", path: /\/blobs\/uploads\// },
        { method: "PUT", path: /\/manifests\// },
      ];
      proxy!.addRule({ match: step[Math.floor(random() * step.length)]!, action: { kind: "reset" } });
      const id = await promote({ releaseId, targetRegistryId: targetId, repositoryPrefix: "" });
      const view = await settledPromotion(id);
      const faults =
        sourceProxy.requests.filter((r) => r.fault === "drop-after-bytes").length +
        proxy!.requests.filter((r) => r.fault === "reset").length;
      injected += faults;
      const applied = [...sourceProxy.requests, ...proxy!.requests]
        .filter((r) => r.fault)
        .map((r) => `${r.fault} ${r.method} ${r.path}`);
      expect(
        view.status,
        `run ${run}: ${JSON.stringify(view.images.map((i) => i.failure))} after ${applied.join(", ")}`,
      ).toBe("succeeded");
      await expectAllAtTarget(registry);
      outcomes.push(view.status);
      sourceProxy.clearRules();
      sourceProxy.requests.length = 0;
    }
    await expectConsoleAnswers();
    log.add({
      area: "connections",
      tried: `source blob downloads cut at seeded random byte offsets (2 per run) and one target upload step reset (POST, PATCH, PUT or manifest PUT), seed 20240913`,
      cases: RESET_RUNS,
      outcome: `${outcomes.filter((o) => o === "succeeded").length}/${RESET_RUNS} succeeded (${injected} faults took effect), every digest confirmed by skopeo`,
    });
  });

  it("waits out bursts of 429 and 503 with Retry-After on both sides and succeeds", async () => {
    const { registry, proxy, id: targetId } = await freshTarget({}, true);
    sourceProxy.addRule({
      match: { method: "GET", path: /\/manifests\// },
      times: 2,
      action: { kind: "status", status: 429, retryAfter: 1 },
    });
    sourceProxy.addRule({
      match: { method: "GET", path: /\/blobs\/sha256:/ },
      times: 3,
      action: { kind: "status", status: 503, retryAfter: 1 },
    });
    proxy!.addRule({
      match: { method: "POST", path: /\/blobs\/uploads\/$/ },
      times: 3,
      action: { kind: "status", status: 503, retryAfter: 1 },
    });
    proxy!.addRule({
      match: { method: "PUT", path: /\/manifests\// },
      times: 2,
      action: { kind: "status", status: 429, retryAfter: 1 },
    });
    const started = Date.now();
    const id = await promote({ releaseId, targetRegistryId: targetId, repositoryPrefix: "" });
    const view = await settledPromotion(id);
    const seconds = (Date.now() - started) / 1000;
    expect(view.status).toBe("succeeded");
    const statuses = [...sourceProxy.requests, ...proxy!.requests].filter((r) => r.fault === "status");
    expect(statuses.length).toBe(10);
    // Retry-After was honoured: the 1 s waits show in the wall time.
    expect(seconds).toBeGreaterThan(1);
    await expectAllAtTarget(registry);
    await expectConsoleAnswers();
    log.add({
      area: "rate limits",
      tried:
        "bursts of 429 / 503 with Retry-After: 1 (source manifests 2×429, source blobs 3×503, target upload starts 3×503, target manifest PUTs 2×429)",
      cases: statuses.length,
      outcome: `succeeded in ${seconds.toFixed(1)} s: 3/3 pushed, digests confirmed by skopeo`,
    });
  });

  it("renews a registry token that expires or is refused mid-copy, and fails as auth when the token server hands out dead tokens", async () => {
    const { registry, proxy, id: targetId } = await freshTarget({ auth: "token" }, true);
    const tokens = registry.tokenServer!;
    // Tokens live 4 s in the client's eyes (renewed after 3 s) while the copy takes about 5 s.
    tokens.setTokenLifetime(4);
    sourceProxy.addRule({
      match: { method: "GET", path: /\/blobs\/sha256:/ },
      times: Infinity,
      action: { kind: "trickle", bytesPerSecond: MB },
    });
    const id = await promote({ releaseId, targetRegistryId: targetId, repositoryPrefix: "" });
    await waitForPromotion(id, (v) => v.images.some((i) => i.status === "pushing" && i.bytesDone > 0), 30_000);
    const before = tokens.requests.length;
    // The registry now refuses the token in hand on the next upload steps, as it does an expired one.
    const expired = JSON.stringify({
      errors: [{ code: "UNAUTHORIZED", message: "authentication required: token expired" }],
    });
    proxy!.addRule({ match: { method: "PATCH" }, times: 1, action: { kind: "status", status: 401, body: expired } });
    proxy!.addRule({
      match: { method: "PUT", path: /\/blobs\/uploads\// },
      times: 1,
      action: { kind: "status", status: 401, body: expired },
    });
    proxy!.addRule({
      match: { method: "HEAD", path: /\/blobs\// },
      times: 1,
      action: { kind: "status", status: 401, body: expired },
    });
    const view = await settledPromotion(id);
    expect(view.status, JSON.stringify(view.images.map((i) => i.failure))).toBe("succeeded");
    const renewed = tokens.requests.length - before;
    expect(renewed).toBeGreaterThan(0);
    const refused = proxy!.requests.filter((r) => r.status === 401 && r.fault === "status").length;
    await expectAllAtTarget(registry);

    // A token server handing out tokens already past the registry's 60 s leeway: auth, naming the target.
    sourceProxy.clearRules();
    tokens.setTokenLifetime(-61);
    const { id: deadId, registry: deadRegistry } = await freshTarget({ auth: "token" }, false).then(async (t) => {
      t.registry.tokenServer!.setTokenLifetime(-61);
      return t;
    });
    const dead = await promote({ releaseId, targetRegistryId: deadId, repositoryPrefix: "" });
    const failed = await settledPromotion(dead);
    expect(failed.status).toBe("failed");
    expect(failed.images.map((i) => i.failure?.kind)).toEqual(["auth", "auth", "auth"]);
    expect(failed.images.every((i) => /target/.test(i.failure!.message))).toBe(true);
    expect(failed.images.every((i) => !i.failure!.message.includes("gantry-pass"))).toBe(true);
    // Fixed at the token server, a retry pushes them.
    deadRegistry.tokenServer!.setTokenLifetime(300);
    expect(await runChange(retryPromotion, operator, { id: dead }, client)).toMatchObject({
      ok: true,
      data: { images: 3 },
    });
    const retried = await waitForPromotion(dead, (v) => v.status === "succeeded" || v.status === "failed");
    expect(retried.status).toBe("succeeded");
    await expectConsoleAnswers();
    log.add({
      area: "registry tokens",
      tried: `target tokens living 4 s during a ~5 s copy, and ${refused} upload step(s) answered 401 "token expired" mid-copy`,
      cases: refused,
      outcome: `succeeded: ${renewed} tokens fetched after the copy began, 3/3 pushed, digests confirmed by skopeo`,
    });
    log.add({
      area: "registry tokens",
      tried: "token server handing out tokens the registry refuses at once (expired past its 60 s leeway)",
      cases: 1,
      outcome:
        "failed: 3/3 images kind auth naming the target, no secret in the message; retry after the fix: succeeded",
    });
  });

  it("fails as storage when the target cannot store the blobs, and keeps what fit", async () => {
    // Room for the base layer and the smaller images, not for the 2 MiB layer of the api image.
    const { id: targetId } = await freshTarget({ storageLimitBytes: Math.floor(2.5 * MB) });
    const id = await promote({ releaseId, targetRegistryId: targetId, repositoryPrefix: "" });
    const view = await settledPromotion(id);
    expect(view.status).toBe("failed");
    const kinds = view.images.map((i) => i.failure?.kind ?? i.status);
    expect(kinds).toContain("storage");
    expect(kinds.every((k) => k === "storage" || k === "pushed")).toBe(true);
    for (const image of view.images.filter((i) => i.status === "failed"))
      expect(image.failure!.message).toMatch(/target/);
    // What fit is at the target by digest; its tag stays unwritten, since the release as a whole
    // failed (whole-release tagging).
    for (const image of view.images.filter((i) => i.status === "pushed")) {
      const byDigest = image.target.replace(/:[^:/]+$/, `@${image.digest}`);
      expect(await skopeoInspectDigest(byDigest)).toBe(image.digest);
    }
    await expectConsoleAnswers();
    log.add({
      area: "target storage",
      tried: "target out of space (500 disk quota exceeded on the committing PUT, 2.5 MiB quota, 4.5 MiB release)",
      cases: 1,
      outcome: `failed: ${kinds.filter((k) => k === "storage").length} image(s) kind storage naming the target, ${kinds.filter((k) => k === "pushed").length} pushed by digest (tags unwritten) and confirmed by skopeo`,
    });
  });
});
