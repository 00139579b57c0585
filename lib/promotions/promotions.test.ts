import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as getPromotionRoute } from "@/app/api/v1/promotions/[id]/route";
import { POST as planRoute } from "@/app/api/v1/promotions/plan/route";
import { GET as listRoute, POST as createRoute } from "@/app/api/v1/promotions/route";
import { POST as retryRoute } from "@/app/api/v1/promotions/[id]/retry/route";
import { runChange } from "@/lib/change/run-change";
import { createApiToken } from "@/lib/auth/api-tokens";
import { promoteImageJob } from "@/lib/queue/jobs/promote-image";
import { recoverStalledImagesJob } from "@/lib/queue/jobs/promote-recover-stalled";
import { startFaultProxy, type RunningFaultProxy } from "@/test/fixtures/fault-proxy";
import { seedImage, skopeoInspectDigest, type BuiltImage } from "@/test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";
import { setupTestDatabase } from "@/test/support/database";
import { runWorker, type RunningWorker } from "@/worker/run-worker";
import { createPromotion } from "./create-promotion";
import { previewPromotionFor } from "./preview-promotion";
import {
  admin,
  client,
  connectRegistry,
  createRelease,
  operator,
  promote,
  viewer,
  waitForPromotion,
} from "@/test/support/promotion-test-kit";
import { retryPromotion } from "./retry-promotion";
import { stopPromotion } from "./stop-promotion";

process.env.GANTRY_SECRET_KEY = crypto.randomBytes(32).toString("base64");
process.env.GANTRY_ALLOW_LOOPBACK_REGISTRIES = "1";
const database = setupTestDatabase();
const MB = 1 << 20;
const creds = { username: "gantry", password: "gantry-pass" };

let source: RunningRegistry;
let target: RunningRegistry;
let worker: RunningWorker;
let sourceId: string;
let targetId: string;
let releaseId: string;
const built: Record<string, BuiltImage> = {};
const registries: RunningRegistry[] = [];
const proxies: RunningFaultProxy[] = [];

beforeAll(async () => {
  [source, target] = await Promise.all([startRegistry(), startRegistry({ auth: "basic" })]);
  registries.push(source, target);
  const base = { size: MB, seed: "promote-base" };
  built.api = await seedImage(source, "vendor/api", "1.0", { layers: [base, { size: 2 * MB, seed: "promote-api" }] });
  built.engine = await seedImage(source, "vendor/engine", "1.0", {
    layers: [base, { size: MB + 512 * 1024, seed: "promote-engine" }],
  });
  built.proxy = await seedImage(source, "vendor/sub/proxy", "1.0", {
    layers: [base, { size: 512 * 1024, seed: "promote-proxy" }],
  });
  sourceId = await connectRegistry("vendor", source.host);
  targetId = await connectRegistry("private", target.host, creds);
  releaseId = await createRelease(sourceId, "1.0", [
    { repository: "vendor/api", built: built.api },
    { repository: "vendor/engine", built: built.engine },
    { repository: "vendor/sub/proxy", built: built.proxy },
  ]);
  worker = await runWorker({ databaseUrl: database.url(), definitions: [promoteImageJob, recoverStalledImagesJob] });
});

afterAll(async () => {
  await worker?.stop();
  await Promise.all(proxies.map((p) => p.stop()));
  await Promise.all(registries.map((r) => r.stop()));
});

describe("promotions", () => {
  it("plans, then promotes three images under a prefix: all pushed, digests confirmed by skopeo, audited", async () => {
    const preview = await previewPromotionFor(operator, {
      releaseId,
      targetRegistryId: targetId,
      repositoryPrefix: "team/",
    });
    if (!preview.ok) throw new Error(preview.error);
    const plan = preview.data;
    expect(plan.images.map((i) => [i.component, i.target, i.repositoryExists])).toEqual([
      ["vendor/api", `${target.host}/team/api:1.0`, false],
      ["vendor/engine", `${target.host}/team/engine:1.0`, false],
      ["vendor/sub/proxy", `${target.host}/team/proxy:1.0`, false],
    ]);
    expect(plan.repositoriesToCreate).toEqual(["team/api", "team/engine", "team/proxy"]);
    expect(plan.upToDate).toBe(false);
    // The shared base layer moves once; the later images would mount it.
    expect(plan.images.map((i) => i.blobs)).toEqual([
      { present: 0, mounted: 0, uploaded: 3 },
      { present: 0, mounted: 1, uploaded: 2 },
      { present: 0, mounted: 1, uploaded: 2 },
    ]);
    expect(plan.bytesToMove).toBe(plan.images.reduce((sum, i) => sum + i.bytesToMove, 0));
    expect(plan.bytesToMove).toBeGreaterThan(5 * MB);
    expect(plan.sizeLimit).toEqual({ limitBytes: null, exceeded: [] });

    const started = Date.now();
    const id = await promote({ releaseId, targetRegistryId: targetId, repositoryPrefix: "team/" });
    const view = await waitForPromotion(id);
    expect(view.status).toBe("succeeded");
    expect(view.images.map((i) => [i.component, i.status, i.targetDigest === i.digest, i.attempts])).toEqual([
      ["vendor/api", "pushed", true, 1],
      ["vendor/engine", "pushed", true, 1],
      ["vendor/sub/proxy", "pushed", true, 1],
    ]);
    for (const image of view.images) {
      expect(image.bytesDone).toBe(image.bytesTotal);
      expect(image.blobsDone).toBe(image.blobsTotal);
      expect(image.layers.length).toBeGreaterThan(0);
      expect(
        image.layers.every((l) => ["uploaded", "present", "mounted"].includes(l.state) && l.bytesDone === l.size),
      ).toBe(true);
    }
    expect(view.totals).toMatchObject({ images: 3, pushed: 3, failed: 0 });
    expect(view.startedAt).not.toBeNull();
    expect(view.finishedAt).not.toBeNull();
    expect(view.plan?.repositoriesToCreate).toEqual(["team/api", "team/engine", "team/proxy"]);
    expect(view.mapping).toEqual({ repositoryPrefix: "team/" });
    expect(view.release).toMatchObject({ id: releaseId, tag: "1.0" });
    process.stdout.write(
      `three images (${(view.totals.bytesTotal / MB).toFixed(1)} MiB) promoted in ${Date.now() - started} ms\n`,
    );

    const skopeoCreds = `${creds.username}:${creds.password}`;
    expect(await skopeoInspectDigest(`${target.host}/team/api:1.0`, { creds: skopeoCreds })).toBe(
      built.api!.manifestDigest,
    );
    expect(await skopeoInspectDigest(`${target.host}/team/engine:1.0`, { creds: skopeoCreds })).toBe(
      built.engine!.manifestDigest,
    );
    expect(await skopeoInspectDigest(`${target.host}/team/proxy:1.0`, { creds: skopeoCreds })).toBe(
      built.proxy!.manifestDigest,
    );

    const events = await database.db().auditEvent.findMany({
      where: { targetId: id },
      orderBy: { id: "asc" },
      select: { action: true, actorLabel: true },
    });
    expect(events[0]).toEqual({ action: "promotion.created", actorLabel: "op@example.com" });
    expect(events.filter((e) => e.action === "promotion.image_pushed").map((e) => e.actorLabel)).toEqual([
      "system",
      "system",
      "system",
    ]);
    expect(events.at(-1)).toEqual({ action: "promotion.succeeded", actorLabel: "system" });
    const row = await database.db().promotion.findUniqueOrThrow({ where: { id } });
    expect(row.planHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("promotes the same release again in seconds with nothing moved, under the same plan hash", async () => {
    const preview = await previewPromotionFor(operator, {
      releaseId,
      targetRegistryId: targetId,
      repositoryPrefix: "team/",
    });
    if (!preview.ok) throw new Error(preview.error);
    expect(preview.data.upToDate).toBe(true);
    expect(preview.data.bytesToMove).toBe(0);
    expect(preview.data.repositoriesToCreate).toEqual([]);
    expect(preview.data.images.every((i) => i.repositoryExists && i.status === "up_to_date")).toBe(true);

    const started = Date.now();
    const id = await promote({ releaseId, targetRegistryId: targetId, repositoryPrefix: "team/" });
    const view = await waitForPromotion(id);
    expect(view.status).toBe("succeeded");
    expect(Date.now() - started).toBeLessThan(10_000);
    const pushed = await database
      .db()
      .auditEvent.findMany({ where: { targetId: id, action: "promotion.image_pushed" }, select: { detail: true } });
    expect(pushed.map((e) => (e.detail as { upToDate: boolean; bytesTransferred: number }).bytesTransferred)).toEqual([
      0, 0, 0,
    ]);
    expect(pushed.every((e) => (e.detail as { upToDate: boolean }).upToDate)).toBe(true);
    const hashes = await database
      .db()
      .promotion.findMany({ where: { releaseId, targetRegistryId: targetId }, select: { planHash: true } });
    expect(new Set(hashes.map((h) => h.planHash)).size).toBe(1);
  });

  it("fails every image as auth when the target refuses the credentials, saying it was the target", async () => {
    const wrongId = await connectRegistry("wrong-password", target.host, {
      username: "gantry",
      password: "not-the-password",
    });
    const id = await promote({ releaseId, targetRegistryId: wrongId, repositoryPrefix: "auth-test/" });
    const view = await waitForPromotion(id);
    expect(view.status).toBe("failed");
    for (const image of view.images) {
      expect(image.status).toBe("failed");
      expect(image.failure?.kind).toBe("auth");
      expect(image.failure?.message).toMatch(/target/);
      expect(image.failure?.message).not.toContain("not-the-password");
    }
    const outcome = await database
      .db()
      .auditEvent.findFirstOrThrow({ where: { targetId: id, action: "promotion.failed" } });
    expect(outcome.actorLabel).toBe("system");
    // The refusal is the target connection's health in use; the source it read from and the
    // target the earlier promotions pushed to stay healthy.
    const registry = (registryId: string) => database.db().registry.findUniqueOrThrow({ where: { id: registryId } });
    const wrong = await registry(wrongId);
    expect(wrong).toMatchObject({ lastUseOkAt: null, lastUseErrorBy: "promotion", lastUseErrorAt: expect.any(Date) });
    expect(wrong.lastUseError).toMatch(/target/);
    expect(wrong.lastUseError).not.toContain("not-the-password");
    expect(await registry(targetId)).toMatchObject({ lastUseOkBy: "promotion", lastUseErrorAt: null });
    expect((await registry(sourceId)).lastUseErrorAt).toBeNull();
  });

  it("fails an image over the target's size limit as too_large before any byte moves", async () => {
    const small = await startRegistry();
    registries.push(small);
    const smallId = await connectRegistry("small", small.host);
    await database.db().registry.update({ where: { id: smallId }, data: { sizeLimitBytes: BigInt(2 * MB) } });
    const preview = await previewPromotionFor(operator, { releaseId, targetRegistryId: smallId });
    if (!preview.ok) throw new Error(preview.error);
    expect(preview.data.sizeLimit).toEqual({ limitBytes: 2 * MB, exceeded: ["vendor/api", "vendor/engine"] });

    const id = await promote({ releaseId, targetRegistryId: smallId });
    const view = await waitForPromotion(id);
    expect(view.status).toBe("failed");
    expect(view.images.map((i) => [i.component, i.status, i.failure?.kind ?? null])).toEqual([
      ["vendor/api", "failed", "too_large"],
      ["vendor/engine", "failed", "too_large"],
      ["vendor/sub/proxy", "pushed", null],
    ]);
    expect(view.images[0]!.failure?.message).toMatch(/over the target's limit/);
    // Only the small image's blobs reached the registry's storage.
    const stored = listFiles(path.join(small.dataDir, "docker/registry/v2/blobs")).length;
    expect(stored).toBe(built.proxy!.blobs.length + 1);
  });

  it("retries only the failed images, leaving pushed ones alone", async () => {
    const flaky = await startRegistry();
    registries.push(flaky);
    const proxy = await startFaultProxy(flaky, {
      rules: [
        {
          match: { method: "PUT", path: /^\/v2\/engine\/manifests\// },
          times: Infinity,
          action: { kind: "status", status: 403 },
        },
      ],
    });
    proxies.push(proxy);
    const flakyId = await connectRegistry("flaky", proxy.host);
    const id = await promote({ releaseId, targetRegistryId: flakyId, repositoryPrefix: "" });
    const first = await waitForPromotion(id);
    expect(first.status).toBe("failed");
    expect(first.images.map((i) => [i.component, i.status])).toEqual([
      ["vendor/api", "pushed"],
      ["vendor/engine", "failed"],
      ["vendor/sub/proxy", "pushed"],
    ]);
    expect(first.images[1]!.failure?.kind).toBe("denied");

    proxy.clearRules();
    const before = proxy.requests.length;
    const retried = await runChange(retryPromotion, operator, { id }, client);
    expect(retried).toMatchObject({ ok: true, data: { images: 1 } });
    const second = await waitForPromotion(id, (v) => v.status === "succeeded" || v.status === "failed");
    expect(second.status).toBe("succeeded");
    expect(second.images.map((i) => [i.component, i.attempts])).toEqual([
      ["vendor/api", 1],
      ["vendor/engine", 2],
      ["vendor/sub/proxy", 1],
    ]);
    expect(second.images[0]!.finishedAt).toBe(first.images[0]!.finishedAt);
    const after = proxy.requests.slice(before);
    const touched = new Set(after.map((r) => r.path.split("/")[2]).filter((repo) => repo && repo !== ""));
    expect([...touched].sort()).toEqual(["api", "engine", "proxy"]);
    // Only engine is copied again; the others see just the tag step (their tag read, then moved).
    const blobsOf = (repo: string) => after.filter((r) => r.path.startsWith(`/v2/${repo}/blobs/`));
    expect(blobsOf("api")).toEqual([]);
    expect(blobsOf("proxy")).toEqual([]);
    expect(after.some((r) => r.method === "PUT" && r.path === "/v2/api/manifests/1.0")).toBe(true);
    expect(await runChange(retryPromotion, operator, { id }, client)).toMatchObject({
      ok: false,
      status: 409,
      error: "id: the promotion has no failed image to retry",
    });
  });

  it("checks permissions and input: viewers cannot promote, bad input names the field, a finished promotion cannot be stopped", async () => {
    expect(await runChange(createPromotion, viewer, { releaseId, targetRegistryId: targetId }, client)).toMatchObject({
      ok: false,
      status: 403,
    });
    expect(await previewPromotionFor(viewer, { releaseId, targetRegistryId: targetId })).toMatchObject({
      ok: false,
      status: 403,
    });
    expect(
      await runChange(createPromotion, operator, { releaseId: "nope", targetRegistryId: targetId }, client),
    ).toMatchObject({ ok: false, status: 404, error: 'releaseId: no release "nope"' });
    expect(await runChange(createPromotion, operator, { releaseId, targetRegistryId: "nope" }, client)).toMatchObject({
      ok: false,
      status: 404,
      fieldErrors: { targetRegistryId: 'no registry connection "nope"' },
    });
    expect(
      await runChange(
        createPromotion,
        operator,
        { releaseId, targetRegistryId: targetId, repositoryPrefix: "Team/" },
        client,
      ),
    ).toMatchObject({
      ok: false,
      status: 400,
      fieldErrors: {
        repositoryPrefix:
          '"Team/api" (for vendor/api) is not a valid repository path: lowercase letters, digits and . _ -, parts separated by /',
      },
    });
    expect(
      await runChange(
        createPromotion,
        operator,
        { releaseId, targetRegistryId: targetId, repositoryPrefix: "a", repositoryNames: {} },
        client,
      ),
    ).toMatchObject({
      ok: false,
      status: 400,
      fieldErrors: { repositoryNames: "give repositoryPrefix or repositoryNames, not both" },
    });
    const done = await database.db().promotion.findFirstOrThrow({ where: { status: "succeeded" } });
    expect(await runChange(stopPromotion, operator, { id: done.id }, client)).toMatchObject({
      ok: false,
      status: 409,
      error: "id: the promotion is succeeded; only a queued or running promotion can be stopped",
    });
    expect(await runChange(stopPromotion, viewer, { id: done.id }, client)).toMatchObject({ ok: false, status: 403 });
    expect(await runChange(stopPromotion, operator, { id: "missing" }, client)).toMatchObject({
      ok: false,
      status: 404,
    });
  });

  it("answers the API with Bearer tokens under the same permissions", async () => {
    await database.db().user.createMany({
      data: [
        { email: "api-op@example.com", role: "operator" },
        { email: "api-viewer@example.com", role: "viewer" },
      ],
    });
    const token = async (email: string) => {
      const result = await runChange(createApiToken, admin, { email, name: "ci" }, client);
      if (!result.ok) throw new Error(result.error);
      return result.data.token;
    };
    const [op, view] = [await token("api-op@example.com"), await token("api-viewer@example.com")];
    const call = (method: string, url: string, bearer: string, body?: unknown) =>
      new Request(`http://localhost${url}`, {
        method,
        headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const noParams = { params: Promise.resolve({}) };
    const body = { releaseId, targetRegistryId: targetId, repositoryPrefix: "api/" };

    const planned = await planRoute(call("POST", "/api/v1/promotions/plan", op, body), noParams);
    expect(planned.status).toBe(200);
    expect(await planned.json()).toMatchObject({
      repositoriesToCreate: ["api/api", "api/engine", "api/proxy"],
      upToDate: false,
    });
    expect((await planRoute(call("POST", "/api/v1/promotions/plan", view, body), noParams)).status).toBe(403);
    const badPlan = await planRoute(
      call("POST", "/api/v1/promotions/plan", op, { targetRegistryId: targetId }),
      noParams,
    );
    expect(badPlan.status).toBe(400);
    expect(await badPlan.json()).toMatchObject({ error: { fields: { releaseId: expect.any(String) } } });

    expect((await createRoute(call("POST", "/api/v1/promotions", view, body), noParams)).status).toBe(403);
    const created = await createRoute(call("POST", "/api/v1/promotions", op, body), noParams);
    expect(created.status).toBe(201);
    const { id, status } = (await created.json()) as { id: string; status: string };
    expect(status).toBe("queued");
    await waitForPromotion(id);

    const got = await getPromotionRoute(call("GET", `/api/v1/promotions/${id}`, view), {
      params: Promise.resolve({ id }),
    });
    expect(got.status).toBe(200);
    const detail = (await got.json()) as { id: string; status: string; images: Record<string, unknown>[] };
    expect(detail).toMatchObject({ id, status: "succeeded" });
    expect(detail.images[0]).toMatchObject({
      source: `${source.host}/vendor/api:1.0`,
      target: `${target.host}/api/api:1.0`,
      digest: built.api!.manifestDigest,
      status: "pushed",
      failure: null,
    });
    expect(typeof detail.images[0]!.bytesDone).toBe("number");
    expect(
      (
        await getPromotionRoute(call("GET", "/api/v1/promotions/missing", view), {
          params: Promise.resolve({ id: "missing" }),
        })
      ).status,
    ).toBe(404);

    const listed = (await (
      await listRoute(call("GET", "/api/v1/promotions?status=succeeded", view), noParams)
    ).json()) as { promotions: { id: string; status: string }[] };
    expect(listed.promotions.some((p) => p.id === id)).toBe(true);
    expect(listed.promotions.every((p) => p.status === "succeeded")).toBe(true);
    const badList = await listRoute(call("GET", "/api/v1/promotions?status=done", view), noParams);
    expect(badList.status).toBe(400);
    expect(await badList.json()).toMatchObject({
      error: { fields: { status: expect.stringContaining("expected one of") } },
    });

    const retry = await retryRoute(call("POST", `/api/v1/promotions/${id}/retry`, view), {
      params: Promise.resolve({ id }),
    });
    expect(retry.status).toBe(403);
  });
});

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}
