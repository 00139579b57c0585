import "server-only";
import type { ChangeDefinition } from "@/lib/change/run-change";
import { UserError } from "@/lib/change/errors";
import { promotionIdSchema } from "./promotion-schemas";
import { startPromotion } from "./start-promotion";
import { lockedStatusOrThrow, type ControlResult } from "./stop-promotion";

/** Retries the failed images of a promotion, and only those: pushed images stay as they are. */
export const retryPromotion: ChangeDefinition<typeof promotionIdSchema, ControlResult> = {
  permission: "promotions.control",
  schema: promotionIdSchema,
  async run({ input, tx, audit }) {
    const before = await lockedStatusOrThrow(tx, input.id);
    if (before === "awaiting_approval" || before === "rejected")
      throw new UserError(`id: the promotion is ${before}; it has not run`, "id", 409);
    const failed = await tx.promotionImage.findMany({
      where: { promotionId: input.id, status: "failed" },
      select: { component: true, failureKind: true },
    });
    if (failed.length === 0) throw new UserError("id: the promotion has no failed image to retry", "id", 409);
    await tx.promotionImage.updateMany({
      where: { promotionId: input.id, status: "failed" },
      data: {
        status: "pending",
        workerId: null,
        heartbeatAt: null,
        finishedAt: null,
        failureKind: null,
        failureMessage: null,
        targetDigest: null,
      },
    });
    await startPromotion(tx, input.id);
    const { status } = await tx.promotion.findUniqueOrThrow({ where: { id: input.id }, select: { status: true } });
    await audit({
      action: "promotion.retried",
      targetType: "promotion",
      targetId: input.id,
      detail: { before: { status: before }, after: { status }, images: failed },
    });
    return { id: input.id, status, images: failed.length };
  },
};
