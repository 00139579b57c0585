import "server-only";
import crypto from "node:crypto";
import type { ChangeDefinition } from "@/lib/change/run-change";
import type { Prisma } from "@/lib/db/generated/client";
import { db } from "@/lib/db/prisma";
import { sendAttempt, type AttemptRecord } from "./deliver-webhook";
import type { PostOutcome } from "./post-webhook";
import type { WebhookPayload } from "./webhook-payload";
import { webhookIdSchema } from "./webhook.schema";
import { notFound } from "./webhook-view";

export interface TestDeliveryResult {
  deliveryId: string;
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

interface Prepared {
  deliveryId: string;
  payload: WebhookPayload;
  outcome: PostOutcome;
}

/**
 * "Send test": POSTs a signed `ping` to the receiver right away (one attempt, no retries,
 * even while the webhook is disabled) and records it in the delivery log with its answer.
 * The POST runs before the transaction, so no database connection waits on the receiver.
 */
export const sendTestWebhook: ChangeDefinition<typeof webhookIdSchema, TestDeliveryResult, Prepared> = {
  permission: "settings.write",
  schema: webhookIdSchema,
  async prepare({ input, caller }) {
    const webhook = await db().webhook.findUnique({
      where: { id: input.id },
      select: { id: true, name: true, url: true, format: true, secretCiphertext: true },
    });
    if (!webhook) throw notFound(input.id);
    const deliveryId = crypto.randomUUID();
    const payload: WebhookPayload = {
      id: `evt_${crypto.randomUUID()}`,
      event: "ping",
      createdAt: new Date().toISOString(),
      promotion: null,
      data: {
        message: "A test from Gantry: this receiver is reachable and can verify the signature.",
        webhook: { id: webhook.id, name: webhook.name },
        sentBy: caller.email,
      },
    };
    return { deliveryId, payload, outcome: await sendAttempt(webhook, { id: deliveryId, event: "ping", payload }) };
  },
  async run({ input, tx, audit, prepared }) {
    const { deliveryId, payload, outcome } = prepared;
    if (!(await tx.webhook.findUnique({ where: { id: input.id }, select: { id: true } }))) throw notFound(input.id);
    const entry: AttemptRecord = {
      attempt: 1,
      at: new Date().toISOString(),
      statusCode: outcome.statusCode,
      error: outcome.error,
      durationMs: outcome.durationMs,
    };
    await tx.webhookDelivery.create({
      data: {
        id: deliveryId,
        webhookId: input.id,
        event: "ping",
        payload: payload as unknown as Prisma.InputJsonObject,
        status: outcome.ok ? "delivered" : "failed",
        attempts: 1,
        lastStatusCode: outcome.statusCode,
        lastError: outcome.error,
        durationMs: outcome.durationMs,
        attemptLog: [entry] as unknown as Prisma.InputJsonArray,
        deliveredAt: outcome.ok ? new Date() : null,
      },
    });
    await audit({
      action: "webhook.tested",
      targetType: "webhook",
      targetId: input.id,
      detail: { deliveryId, ok: outcome.ok, statusCode: outcome.statusCode, error: outcome.error },
    });
    return { deliveryId, ...outcome };
  },
};
