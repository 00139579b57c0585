import "server-only";
import crypto from "node:crypto";
import { redactSecrets } from "@/lib/audit/redact";
import type { Prisma } from "@/lib/db/generated/client";
import type { Tx } from "@/lib/db/prisma";
import { readPromotionSummary } from "./promotion-summary";
import type { WebhookEvent } from "./webhook-events";
import type { WebhookPayload } from "./webhook-payload";
import { enqueueDeliveriesInTransaction } from "./webhook-queue";

export interface EmitWebhookEventInput {
  event: WebhookEvent;
  /** The promotion the event is about; its summary is read inside `tx`. */
  promotionId?: string;
  /** Event details, e.g. `{ by: "ana@example.com", comment: "ship it" }`; secret-looking keys are redacted. */
  data?: Record<string, unknown>;
}

/**
 * Reports an event to every enabled webhook that hears it. Call it inside the transaction
 * of the change it reports: one WebhookDelivery per webhook is written there (an outbox —
 * the deliveries exist if and only if the change commits) and the worker's wake-ups with
 * them. Sending happens later, in the worker, so the change never waits on a receiver.
 * Answers the ids of the deliveries written (none when no webhook hears the event).
 */
export async function emitWebhookEvent(tx: Tx, input: EmitWebhookEventInput): Promise<string[]> {
  const webhooks = await tx.webhook.findMany({
    where: { enabled: true, OR: [{ events: { isEmpty: true } }, { events: { has: input.event } }] },
    select: { id: true },
  });
  if (webhooks.length === 0) return [];
  const payload: WebhookPayload = {
    id: `evt_${crypto.randomUUID()}`,
    event: input.event,
    createdAt: new Date().toISOString(),
    promotion: input.promotionId ? await readPromotionSummary(tx, input.promotionId) : null,
    data: plainJson(redactSecrets(input.data ?? {})) as Record<string, unknown>,
  };
  const deliveries = await tx.webhookDelivery.createManyAndReturn({
    data: webhooks.map((webhook) => ({
      webhookId: webhook.id,
      event: input.event,
      payload: payload as unknown as Prisma.InputJsonObject,
    })),
    select: { id: true },
  });
  const ids = deliveries.map((delivery) => delivery.id);
  await enqueueDeliveriesInTransaction(tx, ids);
  return ids;
}

/** JSON-safe: dates as ISO strings, BigInt byte counts as numbers, undefined dropped. */
function plainJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_key, inner) => (typeof inner === "bigint" ? Number(inner) : inner)));
}
