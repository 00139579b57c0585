import "server-only";
import { Prisma } from "@/lib/db/generated/client";
import { db } from "@/lib/db/prisma";
import { log } from "@/lib/log";
import { SecretKeyError } from "@/lib/secrets/secret-box";
import { postWebhook, type PostOutcome } from "./post-webhook";
import { maxAttempts, nextAttemptDelayMs } from "./retry-schedule";
import type { WebhookPayload } from "./webhook-payload";
import { enqueueDelivery } from "./webhook-queue";
import { buildWebhookRequest } from "./webhook-request";

/** One attempt as the delivery log shows it. */
export interface AttemptRecord {
  attempt: number;
  at: string;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export type DeliveryResult =
  | { deliveryId: string; skipped: "not due" }
  | {
      deliveryId: string;
      attempt: number;
      status: "delivered" | "failed" | "pending";
      statusCode: number | null;
      nextAttemptAt: string | null;
    };

/**
 * How long an attempt holds its delivery: longer than the 10 s timeout, so a second worker
 * never sends it at the same time, and short enough that a worker dying mid-attempt delays
 * the retry by about a minute (the sweep finds it due again).
 */
const LEASE_SECONDS = 60;

/**
 * Makes the next attempt of a delivery if it is due: claims the row (the lease), signs and
 * POSTs, records the attempt, and schedules the next one with backoff or gives up after the
 * last. Safe to call any number of times for the same delivery, from any worker.
 */
export async function deliverWebhook(
  deliveryId: string,
  options: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<DeliveryResult> {
  const claimed = await db().$queryRaw<{ attempts: number }[]>`
    UPDATE "WebhookDelivery"
    SET attempts = attempts + 1, "nextAttemptAt" = now() + make_interval(secs => ${LEASE_SECONDS}::double precision)
    WHERE id = ${deliveryId} AND status = 'pending' AND "nextAttemptAt" <= now()
    RETURNING attempts`;
  const attempt = claimed[0]?.attempts;
  if (attempt === undefined) return { deliveryId, skipped: "not due" };

  const delivery = await db().webhookDelivery.findUniqueOrThrow({
    where: { id: deliveryId },
    select: {
      id: true,
      event: true,
      payload: true,
      webhook: { select: { id: true, url: true, format: true, secretCiphertext: true, enabled: true } },
    },
  });
  const outcome = delivery.webhook.enabled
    ? await sendAttempt(
        delivery.webhook,
        { id: delivery.id, event: delivery.event, payload: delivery.payload as unknown as WebhookPayload },
        options,
      )
    : { ok: false, statusCode: null, error: "not sent: the webhook is disabled", durationMs: 0 };
  const retryInMs =
    outcome.ok || !delivery.webhook.enabled || attempt >= maxAttempts() ? null : nextAttemptDelayMs(attempt);
  const status = outcome.ok ? "delivered" : retryInMs === null ? "failed" : "pending";
  const nextAttemptAt = await recordAttempt(deliveryId, { attempt, status, outcome, retryInMs });
  if (nextAttemptAt && retryInMs !== null) {
    // The sweep would find it anyway; this wakes a worker on time instead of within the minute.
    await enqueueDelivery(deliveryId, { delaySeconds: Math.ceil(retryInMs / 1000) }).catch((error: Error) =>
      log.warn({ err: { message: error.message }, deliveryId }, "webhook retry enqueue failed; the sweep will send it"),
    );
  }
  log.info(
    {
      deliveryId,
      event: delivery.event,
      webhookId: delivery.webhook.id,
      attempt,
      status,
      statusCode: outcome.statusCode,
      durationMs: outcome.durationMs,
    },
    "webhook attempt",
  );
  return {
    deliveryId,
    attempt,
    status,
    statusCode: outcome.statusCode,
    nextAttemptAt: nextAttemptAt?.toISOString() ?? null,
  };
}

/** Signs and sends one attempt; a secret that cannot be opened is a failed attempt, said plainly. */
export async function sendAttempt(
  webhook: { id: string; url: string; format: "json" | "slack"; secretCiphertext: string },
  delivery: { id: string; event: string; payload: WebhookPayload },
  options: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<PostOutcome> {
  let request: ReturnType<typeof buildWebhookRequest>;
  try {
    request = buildWebhookRequest(webhook, delivery);
  } catch (error) {
    if (error instanceof SecretKeyError)
      return {
        ok: false,
        statusCode: null,
        error: `not sent: the signing secret cannot be opened (${error.message})`,
        durationMs: 0,
      };
    throw error;
  }
  return postWebhook(webhook.url, request.body, request.headers, options);
}

/**
 * Writes one attempt onto the delivery: its outcome as the last one, and appended to the
 * log. Answers when the next attempt is due, if there is one. Times come from the database's
 * clock, the one the claim compares with.
 */
export async function recordAttempt(
  deliveryId: string,
  args: { attempt: number; status: "delivered" | "failed" | "pending"; outcome: PostOutcome; retryInMs: number | null },
): Promise<Date | null> {
  const { outcome } = args;
  const entry: AttemptRecord = {
    attempt: args.attempt,
    at: new Date().toISOString(),
    statusCode: outcome.statusCode,
    error: outcome.error,
    durationMs: outcome.durationMs,
  };
  const rows = await db().$queryRaw<{ nextAttemptAt: Date }[]>`
    UPDATE "WebhookDelivery"
    SET status = ${args.status}::"WebhookDeliveryStatus",
        "lastStatusCode" = ${outcome.statusCode},
        "lastError" = ${outcome.error},
        "durationMs" = ${outcome.durationMs},
        "attemptLog" = "attemptLog" || ${JSON.stringify([entry])}::jsonb,
        "nextAttemptAt" = ${args.retryInMs === null ? Prisma.sql`"nextAttemptAt"` : Prisma.sql`now() + make_interval(secs => ${args.retryInMs / 1000}::double precision)`},
        "deliveredAt" = ${args.status === "delivered" ? Prisma.sql`now()` : Prisma.sql`NULL`}
    WHERE id = ${deliveryId}
    RETURNING "nextAttemptAt"`;
  return args.retryInMs === null ? null : (rows[0]?.nextAttemptAt ?? null);
}
