import "server-only";
import type { ChangeDefinition } from "@/lib/change/run-change";
import { NotFoundError, UserError } from "@/lib/change/errors";
import type { Tx } from "@/lib/db/prisma";
import { aggregatePromotion, lockPromotion } from "./promotion-state";
import { promotionIdSchema } from "./promotion.schema";

export interface ControlResult {
  id: string;
  status: string;
  /** Images this call changed. */
  images: number;
}

/**
 * Stops a promotion: its pending and pushing images become stopped. A worker copying one
 * sees the row change within half a second and aborts its copy; what arrived stays, so a
 * resume moves only the rest.
 */
export const stopPromotion: ChangeDefinition<typeof promotionIdSchema, ControlResult> = {
  permission: "promotions.control",
  schema: promotionIdSchema,
  async run({ input, tx, audit }) {
    const before = await lockedStatusOrThrow(tx, input.id);
    if (before !== "queued" && before !== "running")
      throw new UserError(
        `id: the promotion is ${before}; only a queued or running promotion can be stopped`,
        "id",
        409,
      );
    const moving = await tx.promotionImage.count({
      where: { promotionId: input.id, status: { in: ["pending", "pushing"] } },
    });
    // Every image is at the target and the tags are moving together: that step is not cut in half.
    if (moving === 0)
      throw new UserError("id: every image is pushed and the tags are being moved; nothing is left to stop", "id", 409);
    const { count } = await tx.promotionImage.updateMany({
      where: { promotionId: input.id, status: { in: ["pending", "pushing"] } },
      data: { status: "stopped", finishedAt: new Date() },
    });
    const { after } = await aggregatePromotion(tx, input.id);
    await audit({
      action: "promotion.stopped",
      targetType: "promotion",
      targetId: input.id,
      detail: { before: { status: before }, after: { status: after }, imagesStopped: count },
    });
    return { id: input.id, status: after, images: count };
  },
};

/** The promotion's status, its row locked; a 404 naming the field when there is none. */
export async function lockedStatusOrThrow(tx: Tx, id: string) {
  const status = await lockPromotion(tx, id);
  if (!status) throw new NotFoundError(`id: no promotion ${JSON.stringify(id.slice(0, 40))}`);
  return status;
}
