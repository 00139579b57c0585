import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runChange, type Caller } from "@/lib/change/run-change";
import { createConnection } from "@/lib/connections/create-connection";
import { seedImage, skopeoInspectDigest, type ImageSpec } from "@/test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";
import { setupTestDatabase } from "@/test/support/database";
import { listReleases, listChannels } from "./channel-view";
import { createChannel } from "./create-channel";
import { runScheduledSync } from "./run-scheduled-sync";
import { syncChannel, type SyncResult } from "./sync-channel";
import { updateChannel } from "./update-channel";

process.env.GANTRY_SECRET_KEY = crypto.randomBytes(32).toString("base64");
process.env.GANTRY_ALLOW_LOOPBACK_REGISTRIES = "1";
const database = setupTestDatabase();
const admin: Caller = { userId: null, email: "admin@example.com", role: "admin" };
const operator: Caller = { userId: null, email: "op@example.com", role: "operator" };
const viewer: Caller = { userId: null, email: "viewer@example.com", role: "viewer" };
const client = { ip: null, userAgent: "vitest" };
const components = ["vendor/api", "vendor/engine", "vendor/web"];
let registry: RunningRegistry;
let sourceId: string;
let channelId: string;

/** A small image whose bytes depend on the label, so every component and tag has its own digest. */
const image = (label: string, platform?: ImageSpec["platform"]): ImageSpec => ({
  layers: [{ size: 2048, seed: label }],
  ...(platform ? { platform } : {}),
});
/** vendor/engine is a two-platform index, the others single images. */
const seed = (repository: string, tag: string, variant = "") =>
  seedImage(
    registry,
    repository,
    tag,
    repository === "vendor/engine"
      ? [
          image(`${repository}:${tag}${variant}`),
          image(`${repository}:${tag}${variant}-arm`, { os: "linux", architecture: "arm64" }),
        ]
      : image(`${repository}:${tag}${variant}`),
  );
const digestAt = (repository: string, tag: string) =>
  skopeoInspectDigest(`${registry.host}/${repository}:${tag}`, { creds: "gantry:gantry-pass" });

beforeAll(async () => {
  registry = await startRegistry({ auth: "basic" });
  for (const repository of components) {
    await seed(repository, "release-250101");
    await seed(repository, "release-250301");
    await seed(repository, "latest");
    // Missing in vendor/web: not a release until every component has it.
    if (repository !== "vendor/web") await seed(repository, "release-250215");
  }
  const created = await runChange(
    createConnection,
    admin,
    {
      name: "vendor-quay",
      provider: "generic",
      endpoint: registry.host,
      insecure: true,
      auth: { kind: "basic", username: "gantry", password: "gantry-pass" },
    },
    client,
  );
  if (!created.ok) throw new Error(created.error);
  sourceId = created.data.id;
}, 180_000);
afterAll(async () => {
  await registry?.stop();
});

async function sync(id: string, caller: Caller = operator): Promise<SyncResult> {
  const result = await runChange(syncChannel, caller, { id }, client);
  if (!result.ok) throw new Error(result.error);
  return result.data;
}

describe("channels and sync against a real registry", () => {
  it("creates a channel as an operator and audits it", async () => {
    const result = await runChange(
      createChannel,
      operator,
      { name: "vendor", sourceRegistryId: sourceId, components, tagPattern: "^release-\\d{6}$", ordering: "date" },
      client,
    );
    if (!result.ok) throw new Error(result.error);
    channelId = result.data.id;
    expect(result.data).toMatchObject({
      name: "vendor",
      components,
      ordering: "date",
      syncIntervalMinutes: 60,
      syncState: "idle",
      latest: null,
      releaseCount: 0,
      sourceRegistry: { id: sourceId, name: "vendor-quay" },
    });
    expect(await database.db().auditEvent.count({ where: { action: "channel.created", targetId: channelId } })).toBe(1);
    // Every component answered, and the first sync is queued with the channel.
    expect(result.data.warnings).toEqual([]);
    const queued = await database
      .db()
      .$queryRawUnsafe<{ count: bigint }[]>(
        `SELECT count(*) AS count FROM pgboss.job WHERE name = 'sync-channel' AND data->>'channelId' = $1`,
        channelId,
      );
    expect(Number(queued[0]!.count)).toBe(1);
  });

  it("finds the tags present in every component, resolves their digests, and marks the newest latest", async () => {
    const data = await sync(channelId);
    expect(data.releases.map((r) => [r.tag, r.latest])).toEqual([
      ["release-250301", true],
      ["release-250101", false],
    ]);
    expect(data.summary).toMatchObject({
      newReleases: ["release-250101", "release-250301"].sort().reverse(),
      latest: "release-250301",
      incomplete: [{ tag: "release-250215", missingIn: ["vendor/web"] }],
    });
    for (const release of data.releases) {
      expect(release.images.map((i) => i.repository)).toEqual(components);
      for (const img of release.images) {
        expect(img.digest, `${img.repository}:${release.tag}`).toBe(await digestAt(img.repository, release.tag));
        expect(img.size).toBeGreaterThan(2048);
        expect(typeof img.size).toBe("number");
      }
      const engine = release.images.find((i) => i.repository === "vendor/engine")!;
      expect(engine.platforms).toEqual(["linux/amd64", "linux/arm64"]);
      expect(engine.mediaType).toBe("application/vnd.oci.image.index.v1+json");
      expect(release.images.find((i) => i.repository === "vendor/api")!.platforms).toEqual(["linux/amd64"]);
    }
    // The source's health as this real use showed it, beside the manual check (none was made).
    expect(await database.db().registry.findUniqueOrThrow({ where: { id: sourceId } })).toMatchObject({
      lastUseOkAt: expect.any(Date),
      lastUseOkBy: "sync",
      lastUseErrorAt: null,
      lastCheckResult: null,
    });
    const channel = (await listChannels()).find((c) => c.id === channelId)!;
    expect(channel).toMatchObject({
      syncState: "idle",
      lastSyncError: null,
      releaseCount: 2,
      latest: { tag: "release-250301" },
    });
    expect(channel.lastSyncAt).not.toBeNull();
    const events = await database
      .db()
      .auditEvent.findMany({ where: { targetId: channelId, action: "channel.synced" } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actorLabel: "op@example.com",
      detail: {
        newReleases: expect.arrayContaining(["release-250101", "release-250301"]),
        latest: { before: null, after: "release-250301" },
      },
    });
  });

  it("a sync that finds nothing new stores nothing new; scheduled, it is not even audited", async () => {
    const before = await database.db().auditEvent.count();
    const data = await sync(channelId);
    expect(data.summary.newReleases).toEqual([]);
    expect(data.releases).toHaveLength(2);
    expect(
      await database
        .db()
        .auditEvent.findMany({ where: { id: { gt: 0 } }, orderBy: { id: "desc" }, take: 1, select: { action: true } }),
    ).toEqual([{ action: "channel.checked" }]);
    expect(await database.db().auditEvent.count()).toBe(before + 1);

    const scheduled = await runScheduledSync(channelId);
    expect(scheduled).toMatchObject({ ok: true, summary: { newReleases: [], latest: "release-250301" } });
    expect(await database.db().auditEvent.count()).toBe(before + 1);
  });

  it("a new tag becomes one new release, latest moves to it, and the sync is audited", async () => {
    for (const repository of components) await seed(repository, "release-250401");
    const data = await sync(channelId);
    expect(data.summary.newReleases).toEqual(["release-250401"]);
    expect(data.releases.map((r) => r.tag)).toEqual(["release-250401", "release-250301", "release-250101"]);
    expect(data.releases.filter((r) => r.latest).map((r) => r.tag)).toEqual(["release-250401"]);
    expect(await database.db().release.count({ where: { channelId, latest: true } })).toBe(1);
    const event = await database.db().auditEvent.findFirstOrThrow({
      where: { targetId: channelId, action: "channel.synced" },
      orderBy: { id: "desc" },
    });
    expect(event.detail).toMatchObject({
      newReleases: ["release-250401"],
      latest: { before: "release-250301", after: "release-250401" },
    });
  });

  it("follows a digest that moved under a known tag and audits before and after", async () => {
    const before = (await listReleases(channelId))
      .find((r) => r.tag === "release-250101")!
      .images.find((i) => i.repository === "vendor/api")!.digest;
    await seed("vendor/api", "release-250101", "-rebuilt");
    const after = await digestAt("vendor/api", "release-250101");
    expect(after).not.toBe(before);
    const data = await sync(channelId);
    expect(data.summary.newReleases).toEqual([]);
    expect(data.summary.digestChanges).toEqual([{ tag: "release-250101", repository: "vendor/api", before, after }]);
    expect(
      data.releases.find((r) => r.tag === "release-250101")!.images.find((i) => i.repository === "vendor/api")!.digest,
    ).toBe(after);
    const event = await database.db().auditEvent.findFirstOrThrow({ where: { action: "release.digest_changed" } });
    expect(event.detail).toMatchObject({
      tag: "release-250101",
      repository: "vendor/api",
      before: { digest: before },
      after: { digest: after },
    });
  });

  it("shows where a release is at each target from its promotions' pushed images", async () => {
    const releases = await listReleases(channelId);
    const release = releases[0]!;
    const target = await database.db().registry.create({
      data: { name: "prod-ecr", provider: "generic", endpoint: "10.0.0.9:5000", authKind: "anonymous" },
    });
    const other = await database.db().registry.create({
      data: { name: "dr-ecr", provider: "generic", endpoint: "10.0.0.10:5000", authKind: "anonymous" },
    });
    const images = (pushed: number, digestOverride?: string) =>
      release.images.map((img, index) => ({
        component: img.repository,
        sourceRef: "s",
        targetRef: "t",
        digest: index === 0 && digestOverride ? digestOverride : img.digest,
        status: index < pushed ? ("pushed" as const) : ("pending" as const),
      }));
    await database.db().promotion.create({
      data: {
        releaseId: release.id,
        targetRegistryId: target.id,
        repositoryMapping: {},
        status: "running",
        images: { create: images(2) },
      },
    });
    await database.db().promotion.create({
      data: {
        releaseId: release.id,
        targetRegistryId: other.id,
        repositoryMapping: {},
        status: "succeeded",
        images: { create: images(3, "sha256:" + "0".repeat(64)) },
      },
    });
    const targets = () => listReleases(channelId).then((list) => list[0]!.targets);
    expect(await targets()).toEqual([
      { registryId: other.id, registryName: "dr-ecr", state: "partial", drifted: [] },
      { registryId: target.id, registryName: "prod-ecr", state: "partial", drifted: [] },
    ]);
    await database.db().promotion.create({
      data: {
        releaseId: release.id,
        targetRegistryId: target.id,
        repositoryMapping: {},
        status: "succeeded",
        images: { create: images(3) },
      },
    });
    expect((await targets()).find((t) => t.registryId === target.id)?.state).toBe("pushed");
    expect((await listReleases(channelId))[1]!.targets).toEqual([]);
  });

  it("a wrong password fails the sync, and the channel keeps a one-line reason naming auth", async () => {
    const wrong = await runChange(
      createConnection,
      admin,
      {
        name: "vendor-wrong",
        provider: "generic",
        endpoint: registry.host,
        insecure: true,
        auth: { kind: "basic", username: "gantry", password: "not-the-password" },
      },
      client,
    );
    if (!wrong.ok) throw new Error(wrong.error);
    const created = await runChange(
      createChannel,
      operator,
      {
        name: "vendor-wrong",
        sourceRegistryId: wrong.data.id,
        components,
        tagPattern: "^release-\\d{6}$",
        ordering: "date",
      },
      client,
    );
    if (!created.ok) throw new Error(created.error);
    const result = await runChange(syncChannel, operator, { id: created.data.id }, client);
    expect(result).toMatchObject({
      ok: false,
      status: 502,
      error: expect.stringMatching(
        /^sync of channel vendor-wrong failed: component vendor\/(api|engine|web): listing tags: authentication failed: .*401.*\(registry connection vendor-wrong\)$/,
      ),
    });
    const row = await database.db().releaseChannel.findUniqueOrThrow({ where: { id: created.data.id } });
    expect(row.syncState).toBe("failed");
    expect(row.lastSyncError).toMatch(/authentication failed/);
    expect(row.lastSyncError).not.toContain("\n");
    expect(row.lastSyncError).not.toContain("not-the-password");
    expect(row.lastSyncAt).not.toBeNull();
    // The connection says so too, without the password; the good connection to the same registry is untouched.
    const health = await database.db().registry.findUniqueOrThrow({ where: { id: wrong.data.id } });
    expect(health).toMatchObject({ lastUseOkAt: null, lastUseErrorBy: "sync", lastUseErrorAt: expect.any(Date) });
    expect(health.lastUseError).toMatch(/authentication failed/);
    expect(health.lastUseError).not.toContain("not-the-password");
    expect((await database.db().registry.findUniqueOrThrow({ where: { id: sourceId } })).lastUseErrorAt).toBeNull();
    expect(await database.db().release.count({ where: { channelId: created.data.id } })).toBe(0);
    expect(
      await database.db().auditEvent.count({ where: { targetId: created.data.id, action: "channel.sync_failed" } }),
    ).toBe(1);
    // The same failure again, on schedule: stored, not audited twice.
    expect(await runScheduledSync(created.data.id)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/authentication failed/),
    });
    expect(
      await database.db().auditEvent.count({ where: { targetId: created.data.id, action: "channel.sync_failed" } }),
    ).toBe(1);
  });

  it("a component that does not exist fails the sync naming it", async () => {
    const created = await runChange(
      createChannel,
      operator,
      {
        name: "typo",
        sourceRegistryId: sourceId,
        components: ["vendor/api", "vendor/engin"],
        tagPattern: "^release-",
        ordering: "date",
      },
      client,
    );
    if (!created.ok) throw new Error(created.error);
    // Named as the channel is saved, which it is anyway.
    expect(created.data.warnings).toEqual([
      "component vendor/engin: not found at vendor-quay; check the repository path",
    ]);
    const result = await runChange(syncChannel, operator, { id: created.data.id }, client);
    expect(result).toMatchObject({
      ok: false,
      error: expect.stringContaining("component vendor/engin: listing tags: not found"),
    });

    // Edited: the components are checked again (a new misspelling is named), and a change of
    // what makes a release queues a sync with the edit; a rename alone does not.
    const queuedSyncs = () =>
      database
        .db()
        .$queryRawUnsafe<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'sync-channel' AND singleton_key = $1 AND state = 'created'`,
          created.data.id,
        );
    await database.db().$executeRawUnsafe(`DELETE FROM pgboss.job WHERE singleton_key = $1`, created.data.id);
    const renamed = await runChange(updateChannel, operator, { id: created.data.id, name: "typo-renamed" }, client);
    expect(renamed).toMatchObject({ ok: true, data: { name: "typo-renamed", warnings: [] } });
    expect(await queuedSyncs()).toEqual([{ n: 0 }]);
    const stillWrong = await runChange(
      updateChannel,
      operator,
      { id: created.data.id, components: ["vendor/api", "vendor/wbe"] },
      client,
    );
    expect(stillWrong).toMatchObject({
      ok: true,
      data: { warnings: ["component vendor/wbe: not found at vendor-quay; check the repository path"] },
    });
    expect(
      await database.db().auditEvent.findFirstOrThrow({
        where: { targetId: created.data.id, action: "channel.updated" },
        orderBy: { at: "desc" },
      }),
    ).toMatchObject({
      detail: { warnings: ["component vendor/wbe: not found at vendor-quay; check the repository path"] },
    });
    expect(await queuedSyncs()).toEqual([{ n: 1 }]);
    await database.db().$executeRawUnsafe(`DELETE FROM pgboss.job WHERE singleton_key = $1`, created.data.id);
    const fixed = await runChange(
      updateChannel,
      operator,
      { id: created.data.id, components: ["vendor/api", "vendor/engine"] },
      client,
    );
    expect(fixed).toMatchObject({ ok: true, data: { components: ["vendor/api", "vendor/engine"], warnings: [] } });
    expect(await queuedSyncs()).toEqual([{ n: 1 }]);
  });

  it("lets viewers read but not sync", async () => {
    expect(await runChange(syncChannel, viewer, { id: channelId }, client)).toMatchObject({ ok: false, status: 403 });
  });
});
