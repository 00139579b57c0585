import "server-only";
import type { DeliveredEvent } from "./webhook-events";
import type { WebhookPayload } from "./webhook-payload";
import { openWebhookSecret } from "./webhook-secret";
import { signWebhookBody } from "./sign-webhook";
import { toSlackMessage } from "./slack-message";

export interface WebhookTarget {
  id: string;
  url: string;
  format: "json" | "slack";
  secretCiphertext: string;
}

/**
 * The exact bytes and headers of one attempt. The signature covers the raw body, so a
 * receiver must verify before parsing; the timestamp is fresh per attempt.
 */
export function buildWebhookRequest(
  webhook: WebhookTarget,
  delivery: { id: string; event: string; payload: WebhookPayload },
  now = new Date(),
): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify(webhook.format === "slack" ? toSlackMessage(delivery.payload) : delivery.payload);
  const timestamp = Math.floor(now.getTime() / 1000);
  const secret = openWebhookSecret(webhook.id, webhook.secretCiphertext);
  return {
    body,
    headers: {
      "content-type": "application/json",
      "user-agent": "Gantry-Webhook/1",
      "x-gantry-event": delivery.event as DeliveredEvent,
      "x-gantry-delivery": delivery.id,
      "x-gantry-timestamp": String(timestamp),
      "x-gantry-signature": signWebhookBody(secret, timestamp, body),
    },
  };
}
