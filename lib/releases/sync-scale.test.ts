import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runChange, type Caller } from "@/lib/change/run-change";
import { startUpload, withDigest } from "@/lib/oci/remote-blob";
import { fetchManifest, putManifest, scopesFor } from "@/lib/oci/remote-manifest";
import { RegistryClient } from "@/lib/oci/registry-client";
import { createBoss, ensureQueues } from "@/lib/queue/boss";
import { syncChannelJob } from "@/lib/queue/jobs/sync-channel";
import { syncDueChannelsJob } from "@/lib/queue/jobs/sync-due-channels";
import { seedImage } from "@/test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";
import { setupTestDatabase } from "@/test/support/database";
import { createChannel } from "./create-channel";
import { MAX_TAGS_RESOLVED_PER_SYNC } from "./sync-limits";
import { syncChannel, type SyncResult } from "./sync-channel";

process.env.GANTRY_SECRET_KEY = crypto.randomBytes(32).toString("base64");
process.env.GANTRY_ALLOW_LOOPBACK_REGISTRIES = "1";
const database = setupTestDatabase();
const operator: Caller = { userId: null, email: "op@example.com", role: "operator" };
const client = { ip: null, userAgent: "vitest" };
const TAGS = 300;
let registry: RunningRegistry;
let oci: RegistryClient;
let sourceId: string;

beforeAll(async () => {
  registry = await startRegistry();
  oci = new RegistryClient({ registry: registry.host, insecure: true });
  await seedImage(registry, "bulk/app", "1.0.0", { layers: [{ size: 1024, seed: "bulk" }] });
  // Hundreds of tags of one manifest: PUT the same bytes under each tag (fast, no skopeo).
  const top = await fetchManifest({ client: oci, repository: "bulk/app", reference: "1.0.0" });
  for (let i = 1; i < TAGS; i += 1)
    await putManifest({
      client: oci,
      repository: "bulk/app",
      reference: `1.${Math.floor(i / 10)}.${i % 10}`,
      bytes: top.bytes,
      mediaType: top.mediaType,
    });
  for (const tag of ["latest", "nightly", "1.2.3-rc.1"])
    await putManifest({
      client: oci,
      repository: "bulk/app",
      reference: tag,
      bytes: top.bytes,
      mediaType: top.mediaType,
    });
  sourceId = (
    await database.db().registry.create({
      data: { name: "bulk-src", provider: "generic", endpoint: registry.host, authKind: "anonymous", insecure: true },
    })
  ).id;
}, 180_000);
afterAll(async () => {
  await oci?.close();
  await registry?.stop();
});

async function channel(body: Record<string, unknown>): Promise<string> {
  const result = await runChange(createChannel, operator, { sourceRegistryId: sourceId, ...body }, client);
  if (!result.ok) throw new Error(result.error);
  return result.data.id;
}

async function sync(id: string): Promise<SyncResult> {
  const result = await runChange(syncChannel, operator, { id }, client);
  if (!result.ok) throw new Error(result.error);
  return result.data;
}

describe("sync at scale", () => {
  it(`resolves only the newest ${MAX_TAGS_RESOLVED_PER_SYNC} matching tags of a repository with ${TAGS} of them, and says how many it left`, async () => {
    const id = await channel({
      name: "bulk",
      components: ["bulk/app"],
      tagPattern: "^\\d+\\.\\d+\\.\\d+(-rc\\.\\d+)?$",
      ordering: "semver",
    });
    let started = performance.now();
    const first = await sync(id);
    const firstMs = performance.now() - started;
    expect(first.releases).toHaveLength(MAX_TAGS_RESOLVED_PER_SYNC);
    expect(first.releases[0]).toMatchObject({ tag: "1.29.9", latest: true });
    expect(first.releases.at(-1)!.tag).toBe("1.25.0");
    expect(first.summary).toMatchObject({
      resolved: MAX_TAGS_RESOLVED_PER_SYNC,
      skipped: TAGS + 1 - MAX_TAGS_RESOLVED_PER_SYNC,
    });

    started = performance.now();
    const second = await sync(id);
    const secondMs = performance.now() - started;
    expect(second.summary.newReleases).toEqual([]);
    console.info(
      `sync of ${TAGS + 3} tags: first ${Math.round(firstMs)} ms (resolves ${MAX_TAGS_RESOLVED_PER_SYNC}), again ${Math.round(secondMs)} ms (HEADs only)`,
    );
    expect(firstMs).toBeLessThan(30_000); // ~1 s alone; generous for a loaded CI machine
  });

  it("orders by push time (the config's created) when asked", async () => {
    const pushed = async (tag: string, created: string) => {
      const config = Buffer.from(
        JSON.stringify({
          created,
          architecture: "amd64",
          os: "linux",
          rootfs: { type: "layers", diff_ids: [] },
          config: {},
        }),
      );
      const digest = `sha256:${crypto.createHash("sha256").update(config).digest("hex")}`;
      const upload = await startUpload({ client: oci, repository: "timed/app" }, digest);
      if (upload.mounted) throw new Error("unexpected mount");
      const put = await oci.request({
        method: "PUT",
        url: withDigest(upload.location, digest),
        scopes: scopesFor("timed/app", true),
        ok: [201],
        headers: { "content-type": "application/octet-stream" },
        body: config,
        write: true,
      });
      await put.body.dump();
      const manifest = {
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: { mediaType: "application/vnd.oci.image.config.v1+json", digest, size: config.length },
        layers: [],
      };
      await putManifest({
        client: oci,
        repository: "timed/app",
        reference: tag,
        bytes: Buffer.from(JSON.stringify(manifest)),
        mediaType: manifest.mediaType,
      });
    };
    await pushed("zulu", "2025-01-01T00:00:00Z");
    await pushed("alpha", "2025-03-01T00:00:00Z");
    await pushed("mike", "2025-02-01T00:00:00Z");
    const id = await channel({ name: "timed", components: ["timed/app"], tagPattern: ".*", ordering: "pushed" });
    const result = await sync(id);
    expect(result.releases.map((r) => [r.tag, r.latest])).toEqual([
      ["alpha", true],
      ["mike", false],
      ["zulu", false],
    ]);
  });

  it("the cron job enqueues due channels once each, and the sync job syncs them as system", async () => {
    const due = await channel({
      name: "due",
      components: ["bulk/app"],
      tagPattern: "^1\\.0\\.\\d$",
      ordering: "semver",
      syncIntervalMinutes: 5,
    });
    await channel({
      name: "manual",
      components: ["bulk/app"],
      tagPattern: "^1\\.0\\.\\d$",
      ordering: "semver",
      syncIntervalMinutes: 0,
    });
    const boss = createBoss(database.url());
    await boss.start();
    try {
      await ensureQueues(boss, [syncChannelJob, syncDueChannelsJob]);
      const first = (await syncDueChannelsJob.handler(
        {},
        { jobId: "t", signal: new AbortController().signal, workerId: "t" },
      )) as { due: number; enqueued: number };
      // Only a scheduled channel that never synced is due: bulk and timed synced above, manual has no
      // schedule. Its first sync was queued as it was saved, so the cron adds no second one.
      expect(first).toEqual({ due: 1, enqueued: 0 });
      const again = (await syncDueChannelsJob.handler(
        {},
        { jobId: "t", signal: new AbortController().signal, workerId: "t" },
      )) as { enqueued: number };
      expect(again.enqueued).toBe(0);
      const jobs = await boss.fetch<{ channelId: string }>(syncChannelJob.name, { batchSize: 10 });
      expect(jobs.map((job) => job.data.channelId)).toContain(due);
      const result = await syncChannelJob.handler(
        { channelId: due },
        { jobId: "t", signal: new AbortController().signal, workerId: "t" },
      );
      expect(result).toMatchObject({
        ok: true,
        summary: { newReleases: expect.arrayContaining(["1.0.9"]), latest: "1.0.9" },
      });
      const event = await database
        .db()
        .auditEvent.findFirstOrThrow({ where: { action: "channel.synced", targetId: due } });
      expect(event.actorLabel).toBe("system");
    } finally {
      await boss.stop({ graceful: false });
    }
  });
});
