import "server-only";
import type { ChangeDefinition } from "@/lib/change/run-change";
import { isUniqueViolation } from "@/lib/db/errors";
import { assertHostAllowed, nameTaken } from "./create-webhook";
import { updateWebhookSchema } from "./webhook.schema";
import { auditFieldsOf, notFound, toWebhookView, webhookViewSelect, type WebhookView } from "./webhook-view";

/**
 * Changes any of a webhook's name, URL, events, format and enabled flag. The secret stays:
 * it is Gantry's, and the receiver already holds it. Deliveries already written keep
 * going to the webhook's current URL.
 */
export const updateWebhook: ChangeDefinition<typeof updateWebhookSchema, WebhookView> = {
  permission: "settings.write",
  schema: updateWebhookSchema,
  async run({ input, tx, audit }) {
    const before = await tx.webhook.findUnique({ where: { id: input.id }, select: webhookViewSelect });
    if (!before) throw notFound(input.id);
    if (input.url !== undefined) assertHostAllowed(input.url);
    const { id, ...changes } = input;
    const row = await tx.webhook
      .update({ where: { id }, data: changes, select: webhookViewSelect })
      .catch((error: unknown) => {
        throw isUniqueViolation(error) ? nameTaken(input.name ?? before.name) : error;
      });
    const action =
      changes.enabled !== undefined && changes.enabled !== before.enabled && Object.keys(changes).length === 1
        ? changes.enabled
          ? "webhook.enabled"
          : "webhook.disabled"
        : "webhook.updated";
    await audit({
      action,
      targetType: "webhook",
      targetId: id,
      detail: { before: auditFieldsOf(before), after: auditFieldsOf(row) },
    });
    return toWebhookView(row);
  },
};
