import "server-only";
import type { ChangeDefinition } from "@/lib/change/run-change";
import { UserError } from "@/lib/change/errors";
import { isUniqueViolation } from "@/lib/db/errors";
import { webhookHostRefusal } from "./webhook-endpoint";
import { createWebhookSchema } from "./webhook.schema";
import { generateWebhookSecret, sealWebhookSecret } from "./webhook-secret";
import { auditFieldsOf, toWebhookView, webhookViewSelect, type WebhookView } from "./webhook-view";

/** The webhook, and its signing secret: the only answer that ever carries it. */
export type CreatedWebhook = WebhookView & { secret: string };

/**
 * Adds a webhook with a secret Gantry generates, sealed with the new row's id as associated
 * data. The secret is answered once, here, for the admin to give the receiver.
 */
export const createWebhook: ChangeDefinition<typeof createWebhookSchema, CreatedWebhook> = {
  permission: "settings.write",
  schema: createWebhookSchema,
  async run({ input, tx, audit }) {
    assertHostAllowed(input.url);
    if (await tx.webhook.findUnique({ where: { name: input.name }, select: { id: true } })) throw nameTaken(input.name);
    const secret = generateWebhookSecret();
    let id: string;
    try {
      ({ id } = await tx.webhook.create({
        data: {
          name: input.name,
          url: input.url,
          events: input.events,
          format: input.format,
          enabled: input.enabled,
          secretCiphertext: "",
        },
        select: { id: true },
      }));
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken(input.name);
      throw error;
    }
    const row = await tx.webhook.update({
      where: { id },
      data: { secretCiphertext: sealWebhookSecret(id, secret) },
      select: webhookViewSelect,
    });
    await audit({
      action: "webhook.created",
      targetType: "webhook",
      targetId: id,
      detail: { after: auditFieldsOf(row) },
    });
    return { ...toWebhookView(row), secret };
  },
};

export function nameTaken(name: string): UserError {
  return new UserError(`name: a webhook named ${JSON.stringify(name)} exists already; pick another name`, "name", 409);
}

export function assertHostAllowed(url: string): void {
  const refusal = webhookHostRefusal(url);
  if (refusal) throw new UserError(`url: ${refusal}`, "url");
}
