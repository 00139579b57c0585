import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runChange } from "@/lib/change/run-change";
import {
  admin,
  client,
  connectRegistry,
  createRelease,
  operator,
  promote,
  waitForPromotion,
} from "@/test/support/promotion-test-kit";
import { stopPromotion } from "@/lib/promotions/stop-promotion";
import { deliverWebhookJob } from "@/lib/queue/jobs/deliver-webhook";
import { promoteImageJob } from "@/lib/queue/jobs/promote-image";
import { seedImage, type BuiltImage } from "@/test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";
import { startWebhookReceiver, type RunningWebhookReceiver } from "@/test/fixtures/webhook-receiver";
import { setupTestDatabase } from "@/test/support/database";
import { runWorker, type RunningWorker } from "@/worker/run-worker";
import { createWebhook } from "./create-webhook";
import type { WebhookPayload } from "./webhook-payload";

// The events a real promotion sends, from the promotion code's own calls to emitWebhookEvent.
process.env.GANTRY_SECRET_KEY = crypto.randomBytes(32).toString("base64");
process.env.GANTRY_ALLOW_LOOPBACK_REGISTRIES = "1";
process.env.GANTRY_ALLOW_LOOPBACK_WEBHOOKS = "1";
const database = setupTestDatabase();

let source: RunningRegistry;
let target: RunningRegistry;
let worker: RunningWorker;
let receiver: RunningWebhookReceiver;
let releaseId: string;
let targetId: string;

beforeAll(async () => {
  [source, target] = await Promise.all([startRegistry(), startRegistry()]);
  const built: BuiltImage = await seedImage(source, "vendor/api", "2.0", {
    layers: [{ size: 256 * 1024, seed: "webhook-events" }],
  });
  const sourceId = await connectRegistry("vendor", source.host);
  targetId = await connectRegistry("private", target.host);
  releaseId = await createRelease(sourceId, "2.0", [{ repository: "vendor/api", built }]);
  receiver = await startWebhookReceiver();
  worker = await runWorker({ databaseUrl: database.url(), definitions: [promoteImageJob, deliverWebhookJob] });
});

afterAll(async () => {
  await worker?.stop();
  await receiver?.stop();
  await Promise.all([source?.stop(), target?.stop()]);
});

describe("promotion events", () => {
  it("a promotion that copies its image sends requested, started and succeeded, each signed", async () => {
    const created = await runChange(createWebhook, admin, { name: "ci", url: receiver.url }, client);
    if (!created.ok) throw new Error(created.error);
    receiver.setSecret(created.data.secret);

    const id = await promote({ releaseId, targetRegistryId: targetId, repositoryPrefix: "team/" });
    await waitForPromotion(id, (view) => view.status === "succeeded");
    await receiver.waitForRequests(3);
    const events = receiver.received.map((r) => r.json as WebhookPayload);
    expect(events.map((e) => e.event).sort()).toEqual([
      "promotion.requested",
      "promotion.started",
      "promotion.succeeded",
    ]);
    expect(receiver.received.every((r) => r.verified)).toBe(true);
    const succeeded = events.find((e) => e.event === "promotion.succeeded")!;
    expect(succeeded.promotion).toMatchObject({
      id,
      status: "succeeded",
      release: { tag: "2.0", channel: expect.any(String) },
      target: { name: "private" },
      images: { total: 1, pushed: 1 },
    });
    expect(events.find((e) => e.event === "promotion.requested")!.promotion).toMatchObject({ id, status: "queued" });
  });

  it("stopping a promotion sends promotion.stopped", async () => {
    receiver.received.length = 0;
    await worker.stop();
    const id = await promote({ releaseId, targetRegistryId: targetId, repositoryPrefix: "stop/" });
    const stopped = await runChange(stopPromotion, operator, { id }, client);
    expect(stopped.ok).toBe(true);
    worker = await runWorker({ databaseUrl: database.url(), definitions: [deliverWebhookJob] });
    await receiver.waitForRequests(2);
    expect(receiver.received.map((r) => (r.json as WebhookPayload).event).sort()).toEqual([
      "promotion.requested",
      "promotion.stopped",
    ]);
  });
});
