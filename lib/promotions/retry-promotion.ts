import "server-only";
import type { ChangeDefinition } from "@/lib/change/run-change";
import { UserError } from "@/lib/change/errors";
import { promotionIdSchema } from "./promotion.schema";
import { restartImages } from "./start-promotion";
import { lockedStatusOrThrow, type ControlResult } from "./stop-promotion";

/**
 * Retries the failed images of a promotion, and only those: pushed images stay as they are.
 * A promotion whose tag step failed (every image pushed) runs again whole: each image is
 * re-checked at the target by digest (nothing moves again) and the last one moves the tags.
 */
export const retryPromotion: ChangeDefinition<typeof promotionIdSchema, ControlResult> = {
  permission: "promotions.control",
  schema: promotionIdSchema,
  async run({ input, tx, audit }) {
    const before = await lockedStatusOrThrow(tx, input.id);
    if (before === "awaiting_approval" || before === "rejected" || before === "withdrawn")
      throw new UserError(`id: the promotion is ${before}; it has not run`, "id", 409);
    const failed = await tx.promotionImage.findMany({
      where: { promotionId: input.id, status: "failed" },
      select: { component: true, failureKind: true },
    });
    const { tagsFailure } = await tx.promotion.findUniqueOrThrow({
      where: { id: input.id },
      select: { tagsFailure: true },
    });
    if (failed.length === 0 && !tagsFailure)
      throw new UserError("id: the promotion has no failed image to retry", "id", 409);
    if (failed.length === 0) await tx.promotion.update({ where: { id: input.id }, data: { tagsFailure: null } });
    const { count, status } = await restartImages(tx, input.id, failed.length > 0 ? "failed" : "pushed");
    await audit({
      action: "promotion.retried",
      targetType: "promotion",
      targetId: input.id,
      detail: {
        before: { status: before },
        after: { status },
        images: failed,
        ...(failed.length === 0 ? { tagStep: { failure: tagsFailure } } : {}),
      },
    });
    return { id: input.id, status, images: count };
  },
};
