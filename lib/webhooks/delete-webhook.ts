import "server-only";
import type { ChangeDefinition } from "@/lib/change/run-change";
import { webhookIdSchema } from "./webhook.schema";
import { auditFieldsOf, notFound } from "./webhook-view";

/** Removes a webhook and its delivery log; deliveries still pending are dropped with it. */
export const deleteWebhook: ChangeDefinition<typeof webhookIdSchema, { id: string; deleted: true }> = {
  permission: "settings.write",
  schema: webhookIdSchema,
  async run({ input, tx, audit }) {
    const row = await tx.webhook.findUnique({
      where: { id: input.id },
      include: { _count: { select: { deliveries: true } } },
    });
    if (!row) throw notFound(input.id);
    await tx.webhook.delete({ where: { id: row.id } });
    await audit({
      action: "webhook.deleted",
      targetType: "webhook",
      targetId: row.id,
      detail: { before: auditFieldsOf(row), deliveriesRemoved: row._count.deliveries },
    });
    return { id: row.id, deleted: true };
  },
};
