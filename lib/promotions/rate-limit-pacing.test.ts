import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { promoteImageJob } from "@/lib/queue/jobs/promote-image";
import { removeBuiltImages, seedImage, skopeoInspectDigest, type BuiltImage } from "@/test/fixtures/oci-image";
import { startProviderStandIn, type RunningProviderStandIn } from "@/test/fixtures/provider-stand-in";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";
import { setupTestDatabase } from "@/test/support/database";
import { connectRegistry, createRelease, promote, waitForPromotion } from "@/test/support/promotion-test-kit";
import { runWorker, type RunningWorker } from "@/worker/run-worker";

process.env.GANTRY_SECRET_KEY = crypto.randomBytes(32).toString("base64");
process.env.GANTRY_ALLOW_LOOPBACK_REGISTRIES = "1";
const database = setupTestDatabase();
const WINDOW_SECONDS = 4;

let source: RunningRegistry;
let target: RunningRegistry;
let hub: RunningProviderStandIn;
let worker: RunningWorker;
const built: Record<string, BuiltImage> = {};

beforeAll(async () => {
  [source, target] = await Promise.all([startRegistry(), startRegistry()]);
  built.api = await seedImage(source, "vendor/api", "1.0", { layers: [{ size: 200_000 }] });
  built.engine = await seedImage(source, "vendor/engine", "1.0", { layers: [{ size: 300_000 }] });
  // Two pulls per window: the plan spends them, so the copy meets the limit.
  hub = await startProviderStandIn(source, {
    provider: "dockerhub",
    pullLimit: { pulls: 2, windowSeconds: WINDOW_SECONDS },
  });
  worker = await runWorker({ databaseUrl: database.url(), definitions: [promoteImageJob] });
});

afterAll(async () => {
  await worker?.stop();
  await hub?.stop();
  await Promise.all([source?.stop(), target?.stop()]);
  await removeBuiltImages();
});

describe("pacing", () => {
  it("waits out Docker Hub's 429 with ratelimit-reset, saying so on the image's line, then copies", async () => {
    const sourceId = await connectRegistry("hub", hub.host);
    const targetId = await connectRegistry("private", target.host);
    const releaseId = await createRelease(sourceId, "1.0", [
      { repository: "vendor/api", built: built.api! },
      { repository: "vendor/engine", built: built.engine! },
    ]);
    const id = await promote({ releaseId, targetRegistryId: targetId });
    const waiting = await waitForPromotion(id, (view) => view.images.some((i) => i.notice !== null), 20_000);
    const notice = waiting.images.find((i) => i.notice)!.notice!;
    expect(notice).toMatch(new RegExp(`^rate limited by ${hub.host.replace(/\./g, "\\.")} until \\d\\d:\\d\\d UTC$`));
    expect(waiting.images.every((i) => i.status === "pushing" || i.status === "pending" || i.status === "pushed")).toBe(
      true,
    );

    const done = await waitForPromotion(id, undefined, 30_000);
    expect(done.status).toBe("succeeded");
    expect(done.images.map((i) => [i.status, i.notice])).toEqual([
      ["pushed", null],
      ["pushed", null],
    ]);
    expect(hub.requests.some((r) => r.status === 429)).toBe(true);
    expect(await skopeoInspectDigest(`${target.host}/vendor/engine:1.0`)).toBe(built.engine!.manifestDigest);
  }, 60_000);
});
