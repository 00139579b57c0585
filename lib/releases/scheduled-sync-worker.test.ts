import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncChannelJob } from "@/lib/queue/jobs/sync-channel";
import { syncDueChannelsJob } from "@/lib/queue/jobs/sync-due-channels";
import { seedImage } from "@/test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";
import { setupTestDatabase } from "@/test/support/database";
import { runWorker, type RunningWorker } from "@/worker/run-worker";

process.env.GANTRY_SECRET_KEY = crypto.randomBytes(32).toString("base64");
process.env.GANTRY_ALLOW_LOOPBACK_REGISTRIES = "1";
const database = setupTestDatabase();
let registry: RunningRegistry;
let worker: RunningWorker | undefined;

beforeAll(async () => {
  registry = await startRegistry();
  await seedImage(registry, "vendor/api", "release-250301", { layers: [{ size: 1024, seed: "scheduled" }] });
});
afterAll(async () => {
  await worker?.stop();
  await registry?.stop();
});

describe("scheduled sync in a real worker", () => {
  it("the every-minute cron finds a due channel and the sync job syncs it as system", async () => {
    const source = await database.db().registry.create({
      data: { name: "src", provider: "generic", endpoint: registry.host, authKind: "anonymous", insecure: true },
    });
    const channel = await database.db().releaseChannel.create({
      data: {
        name: "scheduled",
        sourceRegistryId: source.id,
        components: ["vendor/api"],
        tagPattern: "^release-\\d{6}$",
        ordering: "date",
        syncIntervalMinutes: 5,
      },
    });
    const manual = await database.db().releaseChannel.create({
      data: {
        name: "manual",
        sourceRegistryId: source.id,
        components: ["vendor/api"],
        tagPattern: "^release-\\d{6}$",
        ordering: "date",
        syncIntervalMinutes: 0,
      },
    });
    worker = await runWorker({ databaseUrl: database.url(), definitions: [syncDueChannelsJob, syncChannelJob] });
    const deadline = Date.now() + 150_000;
    let synced = null;
    while (Date.now() < deadline && !synced?.lastSyncAt) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      synced = await database.db().releaseChannel.findUniqueOrThrow({ where: { id: channel.id } });
    }
    expect(synced).toMatchObject({ syncState: "idle", lastSyncError: null });
    expect(
      await database.db().release.findMany({ where: { channelId: channel.id }, select: { tag: true, latest: true } }),
    ).toEqual([{ tag: "release-250301", latest: true }]);
    expect(
      await database.db().auditEvent.findFirstOrThrow({ where: { action: "channel.synced", targetId: channel.id } }),
    ).toMatchObject({ actorLabel: "system" });
    expect(await database.db().releaseChannel.findUniqueOrThrow({ where: { id: manual.id } })).toMatchObject({
      lastSyncAt: null,
    });
  }, 180_000);
});
