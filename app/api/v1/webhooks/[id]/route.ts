import { apiChange, apiRead } from "@/lib/api/api-route";
import { deleteWebhook } from "@/lib/webhooks/delete-webhook";
import { updateWebhook } from "@/lib/webhooks/update-webhook";
import { getWebhookOrThrow } from "@/lib/webhooks/webhook-view";

export const GET = apiRead({ permission: "webhooks.read", read: ({ params }) => getWebhookOrThrow(String(params.id)) });

/** Any of name, url, events, format, enabled; the secret never changes. */
export const PATCH = apiChange(updateWebhook, {
  input: (body, params) => ({ ...(isObject(body) ? body : {}), id: params.id }),
});

export const DELETE = apiChange(deleteWebhook, { input: (_body, params) => ({ id: params.id }) });

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
