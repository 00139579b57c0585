import { apiChange } from "@/lib/api/api-route";
import { sendTestWebhook } from "@/lib/webhooks/send-test-webhook";

/** Sends a signed `ping` now and answers its outcome: `{ deliveryId, ok, statusCode, error, durationMs }`. */
export const POST = apiChange(sendTestWebhook, { input: (_body, params) => ({ id: params.id }) });
