import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runChange } from "@/lib/change/run-change";
import { createConnection } from "@/lib/connections/create-connection";
import { db } from "@/lib/db/prisma";
import { promoteImageJob } from "@/lib/queue/jobs/promote-image";
import { removeBuiltImages, seedImage, skopeoInspectDigest, type BuiltImage } from "@/test/fixtures/oci-image";
import { startProviderStandIn, type RunningProviderStandIn } from "@/test/fixtures/provider-stand-in";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";
import { setupTestDatabase } from "@/test/support/database";
import { admin, client, createRelease, promote, waitForPromotion } from "@/test/support/promotion-test-kit";
import { runWorker, type RunningWorker } from "@/worker/run-worker";

// Docker Hub on both sides, each through the Docker Hub adapter (the connection's stored
// endpoint pointed at a stand-in, as the other providers' tests do): a vendor's public
// repositories as the source, the operator's organisation as the target.
process.env.GANTRY_SECRET_KEY = crypto.randomBytes(32).toString("base64");
process.env.GANTRY_ALLOW_LOOPBACK_REGISTRIES = "1";
const database = setupTestDatabase();
const TOKEN = `dckr_pat_${crypto.randomBytes(12).toString("hex")}`;
const WINDOW_SECONDS = 4;

let source: RunningRegistry;
let target: RunningRegistry;
let vendorHub: RunningProviderStandIn;
let operatorHub: RunningProviderStandIn;
let worker: RunningWorker;
const built: Record<string, BuiltImage> = {};

beforeAll(async () => {
  [source, target] = await Promise.all([startRegistry(), startRegistry()]);
  built.api = await seedImage(source, "vendor/api", "1.0", { layers: [{ size: 3_000_000 }, { size: 200_000 }] });
  built.engine = await seedImage(source, "vendor/engine", "1.0", { layers: [{ size: 2_000_000 }] });
  await removeBuiltImages();
  // Anonymous pulls: two per window, which the plan spends, so the copy meets the limit.
  vendorHub = await startProviderStandIn(source, {
    provider: "dockerhub",
    pullLimit: { pulls: 2, windowSeconds: WINDOW_SECONDS },
  });
  // The operator's account has no pull left. Hub counts manifest GETs only: the push spends
  // none, and the tag step PUTs the manifest bytes the copy kept, so it spends none either (a
  // read would be refused for the hour, and the tag step fail).
  operatorHub = await startProviderStandIn(target, {
    provider: "dockerhub",
    accepts: (user, password) => user === "acme" && password === TOKEN,
    pullLimit: { pulls: 0, windowSeconds: 3600 },
  });
  worker = await runWorker({ databaseUrl: database.url(), definitions: [promoteImageJob] });
});

afterAll(async () => {
  await worker?.stop();
  await Promise.all([vendorHub?.stop(), operatorHub?.stop()]);
  await Promise.all([source?.stop(), target?.stop()]);
});

/** A Docker Hub connection made through the real change, then pointed at its stand-in (input refuses other hosts). */
async function connectHub(name: string, host: string, body: Record<string, unknown>): Promise<string> {
  const created = await runChange(createConnection, admin, { name, provider: "dockerhub", ...body }, client);
  if (!created.ok) throw new Error(created.error);
  expect(created.data.endpoint).toBe("docker.io");
  await db().registry.update({ where: { id: created.data.id }, data: { endpoint: host, insecure: true } });
  return created.data.id;
}

describe("Docker Hub as a push target, through its adapter", () => {
  it("pushes into the operator's organisation: the source's 429 with ratelimit-* headers is waited out, no pull spent at the target", async () => {
    const sourceId = await connectHub("vendor-hub", vendorHub.host, { auth: { kind: "anonymous" } });
    const targetId = await connectHub("operator-hub", operatorHub.host, {
      namespace: "acme",
      auth: { kind: "basic", username: "acme", password: TOKEN },
    });
    const releaseId = await createRelease(sourceId, "1.0", [
      { repository: "vendor/api", built: built.api! },
      { repository: "vendor/engine", built: built.engine! },
    ]);
    const id = await promote({ releaseId, targetRegistryId: targetId });
    const waiting = await waitForPromotion(id, (view) => view.images.some((i) => i.notice !== null), 20_000);
    expect(waiting.images.find((i) => i.notice)!.notice).toMatch(
      new RegExp(`^rate limited by ${vendorHub.host.replace(/\./g, "\\.")} until \\d\\d:\\d\\d UTC$`),
    );

    const done = await waitForPromotion(id, undefined, 40_000);
    expect(done).toMatchObject({ status: "succeeded", tagsFailure: null });
    expect(done.images.map((i) => [i.status, i.failure, i.notice])).toEqual([
      ["pushed", null, null],
      ["pushed", null, null],
    ]);
    expect(done.images.map((i) => i.target)).toEqual([
      `${operatorHub.host}/acme/vendor/api:1.0`,
      `${operatorHub.host}/acme/vendor/engine:1.0`,
    ]);
    const limited = vendorHub.requests.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited.every((r) => r.method === "GET" && r.path.includes("/manifests/"))).toBe(true);
    // The push went through the operator's Hub with its token, and spent no pull: not one manifest
    // GET, the tag step included (each manifest PUT once by digest, then once under the tag).
    expect(operatorHub.requests.filter((r) => r.status === 401 && r.path !== "/v2/")).toEqual([]);
    expect(operatorHub.requests.filter((r) => r.status === 429)).toEqual([]);
    expect(operatorHub.requests.filter((r) => r.method === "GET" && r.path.includes("/manifests/"))).toEqual([]);
    const manifestPuts = operatorHub.requests
      .filter((r) => r.method === "PUT" && r.path.includes("/manifests/"))
      .map((r) => `${r.status} ${r.path}`);
    expect(manifestPuts.sort()).toEqual(
      [
        `201 /v2/acme/vendor/api/manifests/${built.api!.manifestDigest}`,
        "201 /v2/acme/vendor/api/manifests/1.0",
        `201 /v2/acme/vendor/engine/manifests/${built.engine!.manifestDigest}`,
        "201 /v2/acme/vendor/engine/manifests/1.0",
      ].sort(),
    );
    expect(operatorHub.requests.some((r) => r.method === "PUT" && r.path.includes("/blobs/uploads/"))).toBe(true);
    for (const name of ["api", "engine"] as const) {
      expect(await skopeoInspectDigest(`${target.host}/acme/vendor/${name}:1.0`)).toBe(built[name]!.manifestDigest);
    }
  }, 90_000);
});
