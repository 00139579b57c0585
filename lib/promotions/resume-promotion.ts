import "server-only";
import type { ChangeDefinition } from "@/lib/change/run-change";
import { UserError } from "@/lib/change/errors";
import { promotionIdSchema } from "./promotion.schema";
import { restartImages } from "./start-promotion";
import { lockedStatusOrThrow, type ControlResult } from "./stop-promotion";

/** Resumes a stopped promotion: its stopped images go back to pending and are enqueued; the copy skips what already arrived. */
export const resumePromotion: ChangeDefinition<typeof promotionIdSchema, ControlResult> = {
  permission: "promotions.control",
  schema: promotionIdSchema,
  async run({ input, tx, audit }) {
    const before = await lockedStatusOrThrow(tx, input.id);
    if (before !== "stopped")
      throw new UserError(`id: the promotion is ${before}; only a stopped promotion can be resumed`, "id", 409);
    const { count, status } = await restartImages(tx, input.id, "stopped");
    await audit({
      action: "promotion.resumed",
      targetType: "promotion",
      targetId: input.id,
      detail: { before: { status: before }, after: { status }, imagesResumed: count },
    });
    return { id: input.id, status, images: count };
  },
};
