import { UserError } from "@/lib/change/errors";
import { describeIssues } from "@/lib/change/run-change";
import { apiRead } from "@/lib/api/api-route";
import { listWebhookDeliveriesSchema } from "@/lib/webhooks/webhook.schema";
import { listWebhookDeliveries } from "@/lib/webhooks/webhook-view";

/** `?limit=50` (1–200): the newest deliveries, each with every attempt. */
export const GET = apiRead({
  permission: "webhooks.read",
  read: async ({ request, params }) => {
    const parsed = listWebhookDeliveriesSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!parsed.success) {
      const [field, message] = Object.entries(describeIssues(parsed.error).fieldErrors)[0]!;
      throw new UserError(`${field}: ${message}`, field);
    }
    return { deliveries: await listWebhookDeliveries(String(params.id), parsed.data) };
  },
});
