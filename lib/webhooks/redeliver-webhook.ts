import "server-only";
import type { ChangeDefinition } from "@/lib/change/run-change";
import { UserError } from "@/lib/change/errors";
import type { Prisma } from "@/lib/db/generated/client";
import { enqueueDeliveriesInTransaction } from "./webhook-queue";
import { redeliverWebhookSchema } from "./webhook.schema";

/**
 * Sends a past delivery again as a new delivery (a fresh id and attempt count, the same
 * payload, so the event's `id` lets the receiver recognise a duplicate). The worker sends it.
 */
export const redeliverWebhook: ChangeDefinition<
  typeof redeliverWebhookSchema,
  { deliveryId: string; redeliveryOf: string }
> = {
  permission: "settings.write",
  schema: redeliverWebhookSchema,
  async run({ input, tx, audit }) {
    const original = await tx.webhookDelivery.findFirst({
      where: { id: input.deliveryId, webhookId: input.id },
      select: { id: true, event: true, payload: true },
    });
    if (!original)
      throw new UserError(
        `deliveryId: webhook ${JSON.stringify(input.id.slice(0, 40))} has no delivery ${JSON.stringify(input.deliveryId.slice(0, 40))}`,
        "deliveryId",
        404,
      );
    const { id } = await tx.webhookDelivery.create({
      data: { webhookId: input.id, event: original.event, payload: original.payload as Prisma.InputJsonValue },
      select: { id: true },
    });
    await enqueueDeliveriesInTransaction(tx, [id]);
    await audit({
      action: "webhook.redelivered",
      targetType: "webhook",
      targetId: input.id,
      detail: { event: original.event, redeliveryOf: original.id, deliveryId: id },
    });
    return { deliveryId: id, redeliveryOf: original.id };
  },
};
