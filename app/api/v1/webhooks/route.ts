import { apiChange, apiRead } from "@/lib/api/api-route";
import { createWebhook } from "@/lib/webhooks/create-webhook";
import { listWebhooks } from "@/lib/webhooks/webhook-view";

export const GET = apiRead({ permission: "webhooks.read", read: async () => ({ webhooks: await listWebhooks() }) });

/** Answers 201 with the webhook and its `secret`: the only time the secret is shown. */
export const POST = apiChange(createWebhook, { status: 201 });
