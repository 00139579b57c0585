/**
 * The events a webhook can hear. Kept free of server-only imports: the settings form lists
 * them as checkboxes. `ping` is not subscribable: only "Send test" sends it.
 */
export const webhookEvents = [
  "promotion.requested",
  "promotion.approved",
  "promotion.rejected",
  "promotion.started",
  "promotion.succeeded",
  "promotion.failed",
  "promotion.stopped",
  "promotion.drifted",
] as const;

export type WebhookEvent = (typeof webhookEvents)[number];

/** What a delivery can carry: a subscribable event, or the test ping. */
export type DeliveredEvent = WebhookEvent | "ping";

export const webhookEventLabels: Record<WebhookEvent, string> = {
  "promotion.requested": "requested (waiting for approval, or queued)",
  "promotion.approved": "approved",
  "promotion.rejected": "rejected",
  "promotion.started": "started (the first image began copying)",
  "promotion.succeeded": "succeeded",
  "promotion.failed": "failed",
  "promotion.stopped": "stopped",
  "promotion.drifted": "drifted (a promoted tag moved or is gone at the target)",
};
