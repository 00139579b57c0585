import { z } from "zod";
import { defineJob } from "../job-definition";

/**
 * One attempt of one webhook delivery. The job is a wake-up: the handler claims the
 * WebhookDelivery row with a lease, so duplicates and several workers send it once; a
 * failed attempt schedules the next itself (the row's backoff, not pg-boss's retries).
 */
export const deliverWebhookJob = defineJob({
  name: "deliver-webhook",
  schema: z.object({ deliveryId: z.string().min(1) }),
  retry: { limit: 1, delaySeconds: 30, backoff: false },
  // The POST times out after 10 s; the lease on the row lasts 60 s.
  expireInSeconds: 120,
  policy: "stately",
  // A slow receiver holds one slot for up to 10 s; the others keep sending.
  concurrency: 4,
  async handler(data, context) {
    // Imported when run, so the domain can send this job without an import cycle.
    const { deliverWebhook } = await import("@/lib/webhooks/deliver-webhook");
    return deliverWebhook(data.deliveryId, { signal: context.signal });
  },
});
