import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runChange } from "@/lib/change/run-change";
import { db } from "@/lib/db/prisma";
import { deliverWebhookJob } from "@/lib/queue/jobs/deliver-webhook";
import { promoteImageJob } from "@/lib/queue/jobs/promote-image";
import { createWebhook } from "@/lib/webhooks/create-webhook";
import type { WebhookPayload } from "@/lib/webhooks/webhook-payload";
import { removeBuiltImages, seedImage, skopeoInspectDigest, type BuiltImage } from "@/test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";
import { startWebhookReceiver, type RunningWebhookReceiver } from "@/test/fixtures/webhook-receiver";
import { setupTestDatabase } from "@/test/support/database";
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
import { runWorker, type RunningWorker } from "@/worker/run-worker";
import { checkRegistryDrift, runScheduledDriftCheck } from "./check-registry-drift";
import { dueDriftTargets, driftCheckIntervalMinutes } from "./drift-schedule";
import { getPromotion } from "./promotion-view";
import { repairPromotion } from "./repair-promotion";

process.env.GANTRY_SECRET_KEY = crypto.randomBytes(32).toString("base64");
process.env.GANTRY_ALLOW_LOOPBACK_REGISTRIES = "1";
process.env.GANTRY_ALLOW_LOOPBACK_WEBHOOKS = "1";
const database = setupTestDatabase();

let source: RunningRegistry;
let target: RunningRegistry;
let worker: RunningWorker;
let receiver: RunningWebhookReceiver;
let targetId: string;
let promotionId: string;
const built: Record<string, BuiltImage> = {};

const driftedEvents = () => db().auditEvent.count({ where: { action: "promotion.drifted" } });
const driftDeliveries = () => db().webhookDelivery.count({ where: { event: "promotion.drifted" } });

beforeAll(async () => {
  [source, target] = await Promise.all([startRegistry(), startRegistry()]);
  for (const repository of ["vendor/api", "vendor/web"])
    built[repository] = await seedImage(source, repository, "1.0.0", { layers: [{ size: 4096, seed: repository }] });
  const sourceId = await connectRegistry("vendor", source.host);
  targetId = await connectRegistry("private", target.host);
  const releaseId = await createRelease(
    sourceId,
    "1.0.0",
    Object.entries(built).map(([repository, image]) => ({ repository, built: image })),
  );
  receiver = await startWebhookReceiver();
  const hook = await runChange(
    createWebhook,
    admin,
    { name: "drift", url: receiver.url, events: ["promotion.drifted"] },
    client,
  );
  if (!hook.ok) throw new Error(hook.error);
  receiver.setSecret(hook.data.secret);
  worker = await runWorker({ databaseUrl: database.url(), definitions: [promoteImageJob, deliverWebhookJob] });
  promotionId = await promote({ releaseId, targetRegistryId: targetId });
  await waitForPromotion(promotionId, (view) => view.status === "succeeded");
}, 180_000);

afterAll(async () => {
  await worker?.stop();
  await receiver?.stop();
  await Promise.all([source?.stop(), target?.stop()]);
  await removeBuiltImages();
});

describe("the drift watch", () => {
  it("finds nothing moved right after a promotion, and the target is due until looked at", async () => {
    expect(driftCheckIntervalMinutes({})).toBe(60);
    expect(driftCheckIntervalMinutes({ GANTRY_DRIFT_CHECK_MINUTES: "0" })).toBe(0);
    expect(await dueDriftTargets()).toEqual([targetId]);
    const summary = await runScheduledDriftCheck(targetId);
    expect(summary).toMatchObject({ tagsRead: 2, drifted: [], unreadable: [] });
    expect(await dueDriftTargets()).toEqual([]);
    const view = await getPromotion(promotionId);
    expect(view?.drift).toEqual({ checkedAt: expect.any(String), drifted: [] });
    expect(await driftedEvents()).toBe(0);
  });

  it("flags a tag re-pushed behind Gantry's back within one run, audits it and tells the webhook once", async () => {
    const other = await seedImage(target, "vendor/api", "1.0.0", { layers: [{ size: 2048, seed: "behind-the-back" }] });
    expect(await skopeoInspectDigest(`${target.host}/vendor/api:1.0.0`)).toBe(other.manifestDigest);

    await runScheduledDriftCheck(targetId);
    const view = await getPromotion(promotionId);
    expect(view?.drift.drifted).toEqual([
      { component: "vendor/api", expected: built["vendor/api"]!.manifestDigest, found: other.manifestDigest },
    ]);
    expect(await driftedEvents()).toBe(1);
    const [delivery] = await receiver.waitForRequests(1);
    const payload = delivery!.json as WebhookPayload;
    expect(payload).toMatchObject({
      event: "promotion.drifted",
      promotion: { id: promotionId },
      data: { drifted: [{ component: "vendor/api", found: other.manifestDigest }] },
    });
    expect(delivery!.verified).toBe(true);

    // Unchanged drift: stored again, no second alert.
    await runScheduledDriftCheck(targetId);
    expect(await driftedEvents()).toBe(1);
    expect(await driftDeliveries()).toBe(1);
  });

  it("flags a deleted tag from POST drift-check, alerting only for what is new", async () => {
    const deleted = await fetch(`${target.url}/v2/vendor/web/manifests/${built["vendor/web"]!.manifestDigest}`, {
      method: "DELETE",
    });
    expect(deleted.status).toBe(202);

    expect(await runChange(checkRegistryDrift, viewer, { id: targetId }, client)).toMatchObject({
      ok: false,
      status: 403,
    });
    const result = await runChange(checkRegistryDrift, operator, { id: targetId }, client);
    if (!result.ok) throw new Error(result.error);
    expect(result.data.drifted).toEqual([
      {
        promotionId,
        drifted: [
          expect.objectContaining({ component: "vendor/api" }),
          { component: "vendor/web", expected: built["vendor/web"]!.manifestDigest, found: null },
        ],
        newlyDrifted: [{ component: "vendor/web", expected: built["vendor/web"]!.manifestDigest, found: null }],
      },
    ]);
    expect(await driftedEvents()).toBe(2);
    const received = await receiver.waitForRequests(2);
    expect((received[1]!.json as WebhookPayload).data).toMatchObject({
      drifted: [{ component: "vendor/web", found: null }],
    });
    expect(await db().auditEvent.count({ where: { action: "registry.drift_checked" } })).toBe(1);
  });

  it("Repair re-promotes the release to the target and the next look finds nothing drifted", async () => {
    const repaired = await runChange(repairPromotion, operator, { id: promotionId }, client);
    if (!repaired.ok) throw new Error(repaired.error);
    const view = await waitForPromotion(repaired.data.id, (v) => v.status === "succeeded");
    expect(view.release.tag).toBe("1.0.0");
    expect(view.target.id).toBe(targetId);
    for (const repository of ["vendor/api", "vendor/web"])
      expect(await skopeoInspectDigest(`${target.host}/${repository}:1.0.0`)).toBe(built[repository]!.manifestDigest);

    await runScheduledDriftCheck(targetId);
    expect((await getPromotion(promotionId))?.drift.drifted).toEqual([]);
    expect((await getPromotion(repaired.data.id))?.drift.drifted).toEqual([]);
    expect(await runChange(repairPromotion, operator, { id: promotionId }, client)).toMatchObject({
      ok: false,
      status: 409,
    });
  });
});
