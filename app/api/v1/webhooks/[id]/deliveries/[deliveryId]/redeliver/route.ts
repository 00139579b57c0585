import { apiChange } from "@/lib/api/api-route";
import { redeliverWebhook } from "@/lib/webhooks/redeliver-webhook";

/** Sends a past delivery again as a new one; answers 202 with its `deliveryId`. */
export const POST = apiChange(redeliverWebhook, {
  status: 202,
  input: (_body, params) => ({ id: params.id, deliveryId: params.deliveryId }),
});
