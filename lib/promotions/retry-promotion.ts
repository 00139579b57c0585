import "server-only";
import type { ChangeDefinition } from "@/lib/change/run-change";
import { UserError } from "@/lib/change/errors";
import { promotionIdSchema } from "./promotion.schema";
import { restartImages } from "./start-promotion";
import { lockedStatusOrThrow, type ControlResult } from "./stop-promotion";

/** Retries the failed images of a promotion, and only those: pushed images stay as they are. */
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
    if (failed.length === 0) throw new UserError("id: the promotion has no failed image to retry", "id", 409);
    const { status } = await restartImages(tx, input.id, "failed");
    await audit({
      action: "promotion.retried",
      targetType: "promotion",
      targetId: input.id,
      detail: { before: { status: before }, after: { status }, images: failed },
    });
    return { id: input.id, status, images: failed.length };
  },
};
