import { startFaultProxy, type RunningFaultProxy } from "../test/fixtures/fault-proxy";
import { seedImage, skopeoInspectDigest } from "../test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "../test/fixtures/registry";
import { faultLog } from "../test/proof/faults/support/fault-log";
import { api, apiToken } from "./support/api";
import { expect, test } from "./support/fixtures";

// Proof (faults): the whole console — web process, its worker and the embedded Postgres —
// restarted while a promotion pushes. The promotion carries on after the restart: every
// image pushed with the source's digest (skopeo), none left pushing, the console answering.
test.use({ separateWorker: true, gantryEnv: { GANTRY_ALLOW_LOOPBACK_REGISTRIES: "1" } });

const components = ["vendor/api", "vendor/engine", "vendor/proxy"];
const log = faultLog("console-restart");

let vendor: RunningRegistry;
let vendorProxy: RunningFaultProxy;
let target: RunningRegistry;
const digests = new Map<string, string>();

test.beforeAll(async () => {
  [vendor, target] = await Promise.all([startRegistry(), startRegistry()]);
  for (const [index, repository] of components.entries()) {
    const built = await seedImage(vendor, repository, "1.0.0", {
      layers: [
        { size: 1 << 20, seed: "restart-base" },
        { size: (2 + index) << 20, seed: `restart-${repository}` },
      ],
    });
    digests.set(repository, built.manifestDigest);
  }
  // 512 KiB/s per blob: the pushes last well past the moment the console goes down.
  vendorProxy = await startFaultProxy(vendor, {
    rules: [
      {
        match: { method: "GET", path: /\/blobs\/sha256:/ },
        times: Number.POSITIVE_INFINITY,
        action: { kind: "trickle", bytesPerSecond: 512 * 1024 },
      },
    ],
  });
});

test.afterAll(async () => {
  log.write();
  await vendorProxy?.stop();
  await Promise.all([vendor?.stop(), target?.stop()]);
});

test("a promotion in flight finishes after the console restarts", async ({ request, gantry, admin }) => {
  test.setTimeout(300_000);
  const token = await apiToken(gantry, admin.email, "admin", "restart");
  const connect = async (name: string, host: string) => {
    const created = await api<{ id: string }>(request, "POST", "/api/v1/registries", token, {
      name,
      provider: "generic",
      endpoint: host,
      insecure: true,
      auth: { kind: "anonymous" },
    });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    return created.json.id;
  };
  const sourceId = await connect("vendor", vendorProxy.host);
  const targetId = await connect("private", target.host);
  const channel = await api<{ id: string }>(request, "POST", "/api/v1/channels", token, {
    name: "restart",
    sourceRegistryId: sourceId,
    components,
    tagPattern: "^\\d+\\.\\d+\\.\\d+$",
    ordering: "semver",
    syncIntervalMinutes: 0,
  });
  expect(channel.status, JSON.stringify(channel.json)).toBe(201);
  expect((await api(request, "POST", `/api/v1/channels/${channel.json.id}/sync`, token)).status).toBe(200);
  const { releases } = (
    await api<{ releases: { id: string; tag: string }[] }>(
      request,
      "GET",
      `/api/v1/channels/${channel.json.id}/releases`,
      token,
    )
  ).json;
  const release = releases.find((r) => r.tag === "1.0.0")!;
  const created = await api<{ id: string }>(request, "POST", "/api/v1/promotions", token, {
    releaseId: release.id,
    targetRegistryId: targetId,
  });
  expect(created.status, JSON.stringify(created.json)).toBe(201);
  const id = created.json.id;

  type View = {
    status: string;
    images: {
      component: string;
      status: string;
      bytesDone: number;
      bytesTotal: number;
      digest: string;
      targetDigest: string | null;
      attempts: number;
    }[];
  };
  const view = async () => (await api<View>(request, "GET", `/api/v1/promotions/${id}`, token)).json;
  await expect
    .poll(async () => (await view()).images.some((i) => i.status === "pushing" && i.bytesDone > 0), { timeout: 60_000 })
    .toBe(true);
  const before = await view();
  const moved = before.images.reduce((sum, i) => sum + i.bytesDone, 0);
  const total = before.images.reduce((sum, i) => sum + i.bytesTotal, 0);

  const restarting = Date.now();
  await gantry.restart();
  const downSeconds = (Date.now() - restarting) / 1000;

  await expect
    .poll(async () => (await view()).status, { timeout: 180_000, intervals: [1_000] })
    .toMatch(/succeeded|failed/);
  const after = await view();
  expect(after.status, JSON.stringify(after.images)).toBe("succeeded");
  expect(after.images.every((i) => i.status === "pushed" && i.targetDigest === i.digest)).toBe(true);
  for (const repository of components)
    expect(await skopeoInspectDigest(`${target.host}/${repository}:1.0.0`)).toBe(digests.get(repository));
  const health = await request.get("/api/health");
  expect(health.status()).toBe(200);
  log.add({
    area: "console",
    tried: `the whole install (web, worker, embedded Postgres) restarted mid-push (${(moved / 2 ** 20).toFixed(1)} of ${(total / 2 ** 20).toFixed(1)} MiB moved; back in ${downSeconds.toFixed(0)} s)`,
    cases: 1,
    outcome: `succeeded after the restart: 3/3 pushed, digests confirmed by skopeo, attempts ${after.images.map((i) => i.attempts).join("/")}; /api/health 200`,
  });
});
