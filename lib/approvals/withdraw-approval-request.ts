import "server-only";
import { UserError } from "@/lib/change/errors";
import type { ChangeDefinition } from "@/lib/change/run-change";
import { lockPromotion } from "@/lib/promotions/promotion-state";
import { approvalDecisionSchema } from "./approval.schema";
import { loadApprovalState, type ApprovalState } from "./approval-state";

/**
 * The requester takes back a request nobody has decided yet: it ends `withdrawn` (held like
 * `rejected`: nothing moves and no decision can start it). Only the person who asked may;
 * anyone else rejects instead, which says who decided.
 */
export const withdrawApprovalRequest: ChangeDefinition<typeof approvalDecisionSchema, ApprovalState> = {
  permission: "approvals.withdraw",
  schema: approvalDecisionSchema,
  async run({ input, caller, tx, audit }) {
    const { promotionId } = input;
    // The same row lock as a decision: a withdrawal and an approval cannot both win.
    const status = await lockPromotion(tx, promotionId);
    if (!status) throw new UserError(`promotionId: no promotion ${promotionId}`, "promotionId", 404);
    if (status !== "awaiting_approval")
      throw new UserError(
        `promotionId: this promotion is ${status.replace("_", " ")}, not awaiting approval`,
        "promotionId",
        409,
      );
    const before = (await loadApprovalState(tx, promotionId))!;
    if (!caller.userId || caller.userId !== before.requestedById)
      throw new UserError(
        "promotionId: only the person who requested this promotion can withdraw it; an approver can reject it",
        "promotionId",
        403,
      );
    await tx.promotion.update({ where: { id: promotionId }, data: { status: "withdrawn", finishedAt: new Date() } });
    await audit({
      action: "promotion.withdrawn",
      targetType: "promotion",
      targetId: promotionId,
      detail: {
        before: { status: "awaiting_approval" },
        after: { status: "withdrawn" },
        comment: input.comment,
        approvals: before.approvals.length,
        required: before.required,
      },
    });
    return { ...(await loadApprovalState(tx, promotionId))!, status: "withdrawn" };
  },
};
