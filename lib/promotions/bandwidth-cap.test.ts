import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runChange } from "@/lib/change/run-change";
import { createConnection } from "@/lib/connections/create-connection";
import { promoteImageJob } from "@/lib/queue/jobs/promote-image";
import { removeBuiltImages, seedImage, skopeoInspectDigest, type BuiltImage } from "@/test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";
import { setupTestDatabase } from "@/test/support/database";
import {
  admin,
  client,
  connectRegistry,
  createRelease,
  promote,
  waitForPromotion,
} from "@/test/support/promotion-test-kit";
import { runWorker, type RunningWorker } from "@/worker/run-worker";

process.env.GANTRY_SECRET_KEY = crypto.randomBytes(32).toString("base64");
process.env.GANTRY_ALLOW_LOOPBACK_REGISTRIES = "1";
// Heartbeats every second (stall 3 s), so shares rebalance within a second of a copy starting.
process.env.GANTRY_PROMOTION_STALL_SECONDS = "3";
const database = setupTestDatabase();
const MB = 1_000_000;
const LAYER = 20 * MB;
const CAP_MBPS = 40;
const CAP_BYTES_PER_SECOND = (CAP_MBPS * MB) / 8;

let source: RunningRegistry;
let target: RunningRegistry;
const workers: RunningWorker[] = [];
const built: BuiltImage[] = [];
const releases: string[] = [];

beforeAll(async () => {
  [source, target] = await Promise.all([startRegistry(), startRegistry()]);
  for (const name of ["api", "engine"]) {
    built.push(await seedImage(source, `vendor/${name}`, "1.0", { layers: [{ size: LAYER, seed: `cap-${name}` }] }));
  }
  await removeBuiltImages();
  const sourceId = await connectRegistry("vendor", source.host);
  for (const [index, name] of ["api", "engine"].entries()) {
    releases.push(await createRelease(sourceId, "1.0", [{ repository: `vendor/${name}`, built: built[index]! }]));
  }
  // Two workers, one copy each: the cap must hold across them, not per worker.
  const oneAtATime = { ...promoteImageJob, concurrency: 1 };
  // One after the other: pg-boss creating its queue from two starts at once deadlocks.
  for (let i = 0; i < 2; i++) workers.push(await runWorker({ databaseUrl: database.url(), definitions: [oneAtATime] }));
}, 120_000);

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop()));
  await Promise.all([source?.stop(), target?.stop()]);
});

describe("bandwidth cap of a target", () => {
  it("two promotions into one capped target, on two workers, stay within the cap together", async () => {
    const created = await runChange(
      createConnection,
      admin,
      {
        name: "thin-link",
        provider: "generic",
        endpoint: target.host,
        insecure: true,
        auth: { kind: "anonymous" },
        bandwidthLimitMbps: CAP_MBPS,
      },
      client,
    );
    if (!created.ok) throw new Error(created.error);
    expect(created.data.bandwidthLimitMbps).toBe(CAP_MBPS);

    const ids = await Promise.all(
      releases.map((releaseId) => promote({ releaseId, targetRegistryId: created.data.id })),
    );
    const views = await Promise.all(ids.map((id) => waitForPromotion(id, undefined, 60_000)));
    // From the first claim to the last image recorded at the target: the push window of both.
    const images = views.flatMap((view) => view.images);
    const first = Math.min(...images.map((image) => Date.parse(image.startedAt!)));
    const last = Math.max(...images.map((image) => Date.parse(image.finishedAt!)));
    const seconds = (last - first) / 1000;

    for (const [index, view] of views.entries()) {
      expect(view.images.map((image) => [image.status, image.failure])).toEqual([["pushed", null]]);
      const reference = view.images[0]!.target.replace(/^[^/]+/, target.host);
      expect(await skopeoInspectDigest(reference)).toBe(built[index]!.manifestDigest);
    }
    const bytes = 2 * LAYER;
    const rate = bytes / seconds;
    console.log(
      `bandwidth cap ${CAP_MBPS} Mbit/s (${CAP_BYTES_PER_SECOND / MB} MB/s): ${bytes / MB} MB in ${seconds.toFixed(2)} s, ` +
        `aggregate ${(rate / MB).toFixed(2)} MB/s = ${(rate / CAP_BYTES_PER_SECOND).toFixed(2)} × the cap`,
    );
    // Within the cap: a newcomer's share comes on top of the others' for up to one heartbeat.
    expect(rate).toBeLessThanOrEqual(CAP_BYTES_PER_SECOND * 1.1);
    // Both copies ran at once, sharing it (one after another at half the cap each would be 0.5×).
    expect(rate).toBeGreaterThanOrEqual(CAP_BYTES_PER_SECOND * 0.55);
  }, 90_000);
});
