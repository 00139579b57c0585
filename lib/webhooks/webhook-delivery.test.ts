import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { runChange, type Caller } from "@/lib/change/run-change";
import { deliverWebhookJob } from "@/lib/queue/jobs/deliver-webhook";
import { deliverWebhookSweepJob } from "@/lib/queue/jobs/deliver-webhook-sweep";
import { startHeaderRecorder } from "@/test/fixtures/header-recorder";
import { startWebhookReceiver, type RunningWebhookReceiver } from "@/test/fixtures/webhook-receiver";
import { setupTestDatabase } from "@/test/support/database";
import { runWorker, type RunningWorker } from "@/worker/run-worker";
import { createWebhook } from "./create-webhook";
import { emitWebhookEvent } from "./emit-webhook-event";
import { postWebhook } from "./post-webhook";
import { redeliverWebhook } from "./redeliver-webhook";
import { sendTestWebhook } from "./send-test-webhook";
import { updateWebhook } from "./update-webhook";
import type { WebhookPayload } from "./webhook-payload";
import type { WebhookDeliveryView } from "./webhook-view";
import { listWebhookDeliveries } from "./webhook-view";

process.env.GANTRY_SECRET_KEY = crypto.randomBytes(32).toString("base64");
process.env.GANTRY_ALLOW_LOOPBACK_WEBHOOKS = "1";
process.env.GANTRY_WEBHOOK_RETRY_SECONDS = "1,1,1,1,1";
process.env.GANTRY_URL = "https://gantry.example.com";

const database = setupTestDatabase();
const admin: Caller = { userId: null, email: "admin@example.com", role: "admin" };
const client = { ip: null, userAgent: "vitest" };
let worker: RunningWorker;
let receiver: RunningWebhookReceiver;
let promotionId: string;
const webhookIds: string[] = [];

beforeAll(async () => {
  worker = await runWorker({ databaseUrl: database.url(), definitions: [deliverWebhookJob, deliverWebhookSweepJob] });
  receiver = await startWebhookReceiver();
  promotionId = await createPromotionRows();
});

afterAll(async () => {
  await worker?.stop();
  await receiver?.stop();
});

// Each test starts with no enabled webhook and a receiver answering 200.
afterEach(async () => {
  await database.db().webhook.updateMany({ data: { enabled: false } });
  receiver.failNext(0);
  receiver.received.length = 0;
});

describe("webhook deliveries", () => {
  it("delivers a promotion event signed with the secret shown at creation, and logs the attempt", async () => {
    const { id, secret } = await addWebhook({ name: "ci", url: receiver.url });
    receiver.setSecret(secret);
    const [deliveryId] = await emit("promotion.succeeded", { by: "ana@example.com" });

    const [request] = await receiver.waitForRequests(1);
    expect(request).toMatchObject({ method: "POST", path: "/hooks/gantry", verified: true, answered: 200 });
    expect(request!.headers).toMatchObject({
      "content-type": "application/json",
      "user-agent": "Gantry-Webhook/1",
      "x-gantry-event": "promotion.succeeded",
      "x-gantry-delivery": deliveryId,
      "x-gantry-signature": expect.stringMatching(/^sha256=[0-9a-f]{64}$/),
    });
    expect(Math.abs(Number(request!.headers["x-gantry-timestamp"]) - Date.now() / 1000)).toBeLessThan(30);
    const body = request!.json as WebhookPayload;
    expect(body).toMatchObject({
      id: expect.stringMatching(/^evt_/),
      event: "promotion.succeeded",
      promotion: {
        id: promotionId,
        status: "succeeded",
        url: `https://gantry.example.com/promotions/${promotionId}`,
        release: { tag: "release-240913", channel: "vendor" },
        target: { name: "ecr-prod", endpoint: "123456789012.dkr.ecr.eu-west-1.amazonaws.com" },
        images: {
          total: 2,
          pushed: 2,
          failed: 0,
          items: [{ component: "vendor/api", status: "pushed" }, { component: "vendor/engine" }],
        },
      },
      data: { by: "ana@example.com" },
    });
    expect(request!.body).not.toContain(secret);

    const delivery = await waitForDelivery(id, deliveryId!, (d) => d.status !== "pending");
    expect(delivery).toMatchObject({
      status: "delivered",
      attempts: 1,
      lastStatusCode: 200,
      lastError: null,
      deliveredAt: expect.any(String),
    });
    expect(delivery.attemptLog).toEqual([
      { attempt: 1, at: expect.any(String), statusCode: 200, error: null, durationMs: expect.any(Number) },
    ]);
  });

  it("retries after 500s with backoff until the receiver takes it, each attempt in the log", async () => {
    const { id, secret } = await addWebhook({ name: "flaky", url: receiver.url });
    receiver.setSecret(secret);
    receiver.failNext(2);
    const [deliveryId] = await emit("promotion.failed");

    const requests = await receiver.waitForRequests(3, 30_000);
    expect(requests.map((r) => r.answered)).toEqual([500, 500, 200]);
    expect(requests.every((r) => r.verified)).toBe(true);
    expect(new Set(requests.map((r) => r.headers["x-gantry-delivery"]))).toEqual(new Set([deliveryId]));
    // Retry waits are 1 s ± 20 %: never sooner than 0.8 s after the previous attempt.
    expect(requests[1]!.at - requests[0]!.at).toBeGreaterThanOrEqual(750);
    expect(requests[2]!.at - requests[1]!.at).toBeGreaterThanOrEqual(750);

    await waitForDelivery(id, deliveryId!, (d) => d.status === "delivered");
    const [delivery] = await listWebhookDeliveries(id);
    expect(delivery).toMatchObject({ id: deliveryId, status: "delivered", attempts: 3, lastStatusCode: 200 });
    expect(delivery!.attemptLog.map((a) => [a.attempt, a.statusCode, a.error])).toEqual([
      [1, 500, "answered HTTP 500: receiver is failing on purpose"],
      [2, 500, "answered HTTP 500: receiver is failing on purpose"],
      [3, 200, null],
    ]);
  });

  it("gives up after the last attempt and says why", async () => {
    process.env.GANTRY_WEBHOOK_RETRY_SECONDS = "1,1";
    try {
      const { id } = await addWebhook({ name: "down", url: receiver.url });
      receiver.failNext(10, 503);
      const [deliveryId] = await emit("promotion.stopped");
      const delivery = await waitForDelivery(id, deliveryId!, (d) => d.status === "failed", 30_000);
      expect(delivery).toMatchObject({
        attempts: 3,
        lastStatusCode: 503,
        lastError: expect.stringMatching(/^answered HTTP 503/),
      });
      expect(delivery.attemptLog).toHaveLength(3);
      expect(receiver.received).toHaveLength(3);
    } finally {
      process.env.GANTRY_WEBHOOK_RETRY_SECONDS = "1,1,1,1,1";
    }
  });

  it("writes nothing and wakes no worker when the emitting transaction rolls back", async () => {
    await addWebhook({ name: "rollback", url: receiver.url });
    const jobsBefore = await deliverJobCount();
    await expect(
      database.db().$transaction(async (tx) => {
        const ids = await emitWebhookEvent(tx, { event: "promotion.approved", promotionId });
        expect(ids).toHaveLength(1);
        throw new Error("the promotion change failed");
      }),
    ).rejects.toThrow("the promotion change failed");
    expect(await database.db().webhookDelivery.count({ where: { event: "promotion.approved" } })).toBe(0);
    expect(await deliverJobCount()).toBe(jobsBefore);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(receiver.received).toHaveLength(0);
  });

  it("keeps the change and its deliveries when the enqueue fails; the sweep sends them", async () => {
    const { id } = await addWebhook({ name: "no-queue", url: receiver.url });
    const [deliveryId] = await database.db().$transaction(async (tx) => {
      // pg-boss unreachable from this transaction: its INSERT fails under the savepoint.
      await tx.$executeRawUnsafe("ALTER SCHEMA pgboss RENAME TO pgboss_away");
      const ids = await emitWebhookEvent(tx, { event: "promotion.requested", promotionId });
      await tx.$executeRawUnsafe("ALTER SCHEMA pgboss_away RENAME TO pgboss");
      return ids;
    });
    expect(await database.db().webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId } })).toMatchObject({
      status: "pending",
      attempts: 0,
    });
    await deliverWebhookSweepJob.handler({}, { jobId: "test", signal: new AbortController().signal, workerId: "test" });
    await waitForDelivery(id, deliveryId!, (d) => d.status === "delivered");
  });

  it("writes deliveries only for enabled webhooks that hear the event", async () => {
    const all = await addWebhook({ name: "all-events", url: receiver.url });
    const failedOnly = await addWebhook({ name: "failed-only", url: receiver.url, events: ["promotion.failed"] });
    const disabled = await addWebhook({ name: "off", url: receiver.url, enabled: false });
    await emit("promotion.requested");
    const rows = await database.db().webhookDelivery.findMany({
      where: { event: "promotion.requested", webhookId: { in: [all.id, failedOnly.id, disabled.id] } },
      select: { webhookId: true },
    });
    expect(rows.map((r) => r.webhookId)).toEqual([all.id]);
  });

  it("sends Slack's shape, still signed, readable in a channel", async () => {
    const { secret } = await addWebhook({ name: "slack", url: receiver.url, format: "slack" });
    receiver.setSecret(secret);
    await emit("promotion.failed", { comment: "<script>" });
    const [request] = await receiver.waitForRequests(1);
    expect(request!.verified).toBe(true);
    const message = request!.json as {
      text: string;
      blocks: { type: string; text?: { type: string; text: string }; elements?: { text: string }[] }[];
    };
    expect(Object.keys(message).sort()).toEqual(["blocks", "text"]);
    expect(message.text).toBe("Promotion of vendor release-240913 to ecr-prod failed.");
    expect(message.blocks[0]).toEqual({
      type: "section",
      text: {
        type: "mrkdwn",
        text: `:x: *<https://gantry.example.com/promotions/${promotionId}|Promotion of vendor release-240913 to ecr-prod failed>*`,
      },
    });
    expect(message.blocks[1]!.elements![0]!.text).toContain("2 images: 2 pushed");
    expect(message.blocks[1]!.elements![0]!.text).toContain("“&lt;script&gt;”");
    expect(message.blocks[2]!.text!.text).toContain(
      "`123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/api:release-240913` pushed",
    );
  });

  it("sends a test ping at once and records its answer; a refusing receiver's code is shown", async () => {
    const { id, secret } = await addWebhook({ name: "ping", url: receiver.url, enabled: false });
    receiver.setSecret(secret);
    const ok = await runChange(sendTestWebhook, admin, { id }, client);
    expect(ok).toMatchObject({ ok: true, data: { ok: true, statusCode: 200, error: null } });
    expect(receiver.received[0]).toMatchObject({
      verified: true,
      headers: { "x-gantry-event": "ping" },
      json: { event: "ping", promotion: null, data: { sentBy: "admin@example.com" } },
    });

    receiver.failNext(1, 503);
    const refused = await runChange(sendTestWebhook, admin, { id }, client);
    expect(refused).toMatchObject({
      ok: true,
      data: { ok: false, statusCode: 503, error: "answered HTTP 503: receiver is failing on purpose" },
    });
    const log = await listWebhookDeliveries(id);
    expect(log.map((d) => [d.event, d.status, d.lastStatusCode, d.attempts])).toEqual([
      ["ping", "failed", 503, 1],
      ["ping", "delivered", 200, 1],
    ]);
    const audit = await database.db().auditEvent.findMany({ where: { targetId: id, action: "webhook.tested" } });
    expect(audit).toHaveLength(2);
    expect(JSON.stringify(audit, (_k, v) => (typeof v === "bigint" ? String(v) : v))).not.toContain(secret);
  });

  it("redelivers a past delivery as a new one with the same event id", async () => {
    const { id } = await addWebhook({ name: "again", url: receiver.url });
    const [first] = await emit("promotion.started");
    await waitForDelivery(id, first!, (d) => d.status === "delivered");
    const result = await runChange(redeliverWebhook, admin, { id, deliveryId: first! }, client);
    if (!result.ok) throw new Error(result.error);
    await waitForDelivery(id, result.data.deliveryId, (d) => d.status === "delivered");
    const [a, b] = receiver.received;
    expect(b!.headers["x-gantry-delivery"]).toBe(result.data.deliveryId);
    expect((b!.json as WebhookPayload).id).toBe((a!.json as WebhookPayload).id);
    expect(await runChange(redeliverWebhook, admin, { id, deliveryId: "missing" }, client)).toMatchObject({
      ok: false,
      status: 404,
      fieldErrors: { deliveryId: expect.any(String) },
    });
  });

  it("sends a delivery whose wake-up was lost when the sweep runs, and forgets month-old finished ones", async () => {
    const { id } = await addWebhook({ name: "swept", url: receiver.url });
    // Written as an emit would, but without its job: a lost enqueue.
    const row = await database.db().webhookDelivery.create({
      data: {
        webhookId: id,
        event: "promotion.succeeded",
        payload: {
          id: "evt_lost",
          event: "promotion.succeeded",
          createdAt: new Date().toISOString(),
          promotion: null,
          data: {},
        },
      },
    });
    const old = await database.db().webhookDelivery.create({
      data: {
        webhookId: id,
        event: "promotion.failed",
        payload: {},
        status: "delivered",
        createdAt: new Date(Date.now() - 31 * 86_400_000),
      },
    });
    expect(
      await deliverWebhookSweepJob.handler(
        {},
        { jobId: "test", signal: new AbortController().signal, workerId: "test" },
      ),
    ).toMatchObject({ due: 1, enqueued: 1, pruned: 1 });
    await waitForDelivery(id, row.id, (d) => d.status === "delivered");
    expect(await database.db().webhookDelivery.count({ where: { id: old.id } })).toBe(0);
  });

  it("does not follow redirects, and refuses addresses off limits when sending", async () => {
    const elsewhere = await startHeaderRecorder();
    const redirector = http.createServer((_req, res) => {
      res.writeHead(307, { location: `${elsewhere.url}/steal` });
      res.end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/hook`;
      const outcome = await postWebhook(url, "{}", { "content-type": "application/json" });
      expect(outcome).toMatchObject({
        ok: false,
        statusCode: 307,
        error: expect.stringMatching(
          /^answered 307 redirecting to http:\/\/127\.0\.0\.1:\d+\/steal; Gantry does not follow webhook redirects/,
        ),
      });
      expect(elsewhere.received).toHaveLength(0);

      expect(await postWebhook("http://169.254.169.254/latest/meta-data", "{}", {})).toMatchObject({
        ok: false,
        statusCode: null,
        error: expect.stringMatching(/cloud metadata service/),
      });
      process.env.GANTRY_ALLOW_LOOPBACK_WEBHOOKS = "0";
      expect(await postWebhook(receiver.url, "{}", {})).toMatchObject({
        ok: false,
        error: expect.stringMatching(/loopback address \(allowed only with GANTRY_ALLOW_LOOPBACK_WEBHOOKS=1\)/),
      });
      expect(receiver.received).toHaveLength(0);
    } finally {
      process.env.GANTRY_ALLOW_LOOPBACK_WEBHOOKS = "1";
      redirector.closeAllConnections();
      await new Promise<void>((resolve) => redirector.close(() => resolve()));
      await elsewhere.stop();
    }
  });

  it("gives up on a receiver that does not answer within the timeout", async () => {
    const silent = http.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const outcome = await postWebhook(
        `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`,
        "{}",
        {},
        { timeoutMs: 300 },
      );
      expect(outcome).toMatchObject({ ok: false, statusCode: null, error: "no answer within 0.3 s" });
      expect(outcome.durationMs).toBeGreaterThanOrEqual(290);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

async function addWebhook(body: Record<string, unknown>): Promise<{ id: string; secret: string }> {
  const result = await runChange(createWebhook, admin, body, client);
  if (!result.ok) throw new Error(result.error);
  webhookIds.push(result.data.id);
  if (body.enabled === false) {
    const disabled = await runChange(updateWebhook, admin, { id: result.data.id, enabled: false }, client);
    if (!disabled.ok) throw new Error(disabled.error);
  }
  return { id: result.data.id, secret: result.data.secret };
}

function emit(
  event: Parameters<typeof emitWebhookEvent>[1]["event"],
  data?: Record<string, unknown>,
): Promise<string[]> {
  return database.db().$transaction((tx) => emitWebhookEvent(tx, { event, promotionId, data }));
}

async function waitForDelivery(
  webhookId: string,
  deliveryId: string,
  done: (d: WebhookDeliveryView) => boolean,
  timeoutMs = 20_000,
): Promise<WebhookDeliveryView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const delivery = (await listWebhookDeliveries(webhookId)).find((d) => d.id === deliveryId);
    if (delivery && done(delivery)) return delivery;
    if (Date.now() > deadline) throw new Error(`delivery ${deliveryId} did not get there: ${JSON.stringify(delivery)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function deliverJobCount(): Promise<number> {
  const rows = await database
    .db()
    .$queryRawUnsafe<{ count: bigint }[]>(`SELECT count(*) AS count FROM pgboss.job WHERE name = 'deliver-webhook'`);
  return Number(rows[0]!.count);
}

/** A succeeded promotion of a two-image release into an ECR connection, written straight to the tables. */
async function createPromotionRows(): Promise<string> {
  const db = database.db();
  const source = await db.registry.create({
    data: { name: "vendor-quay", provider: "quay", endpoint: "quay.io", authKind: "anonymous" },
  });
  const target = await db.registry.create({
    data: {
      name: "ecr-prod",
      provider: "ecr",
      endpoint: "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
      authKind: "aws",
    },
  });
  const channel = await db.releaseChannel.create({
    data: {
      name: "vendor",
      sourceRegistryId: source.id,
      components: ["vendor/api", "vendor/engine"],
      tagPattern: ".*",
      ordering: "semver",
    },
  });
  const release = await db.release.create({
    data: { channelId: channel.id, tag: "release-240913", sortKey: "release-240913", latest: true },
  });
  const digest = `sha256:${"a".repeat(64)}`;
  const promotion = await db.promotion.create({
    data: {
      releaseId: release.id,
      targetRegistryId: target.id,
      repositoryMapping: { prefix: "team/" },
      status: "succeeded",
      images: {
        create: ["api", "engine"].map((name) => ({
          component: `vendor/${name}`,
          sourceRef: `quay.io/vendor/${name}@${digest}`,
          targetRef: `${target.endpoint}/team/${name}:release-240913`,
          digest,
          status: "pushed" as const,
        })),
      },
    },
  });
  return promotion.id;
}
