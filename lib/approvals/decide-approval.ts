import "server-only";
import { UserError } from "@/lib/change/errors";
import type { Caller, ChangeDefinition } from "@/lib/change/run-change";
import type { AuditInput } from "@/lib/audit/record-audit-event";
import type { Tx } from "@/lib/db/prisma";
import { startPromotion } from "@/lib/promotions/start-promotion";
import { emitWebhookEvent } from "@/lib/webhooks/emit-webhook-event";
import { approvalDecisionSchema, approvalOverrideSchema } from "./approval.schema";
import { loadApprovalState, replanForCurrentDigests, type ApprovalState } from "./approval-state";

type Audit = (event: AuditInput) => Promise<void>;

/** Approve a promotion's current plan; once enough approvers have, it starts. The requester cannot approve their own. */
export const approvePromotion: ChangeDefinition<typeof approvalDecisionSchema, ApprovalState> = {
  permission: "approvals.decide",
  schema: approvalDecisionSchema,
  run: ({ input, caller, tx, audit }) =>
    decide(tx, audit, caller, {
      promotionId: input.promotionId,
      decision: "approve",
      comment: input.comment,
      override: false,
    }),
};

/** Reject a promotion request: it ends `rejected` and nothing moves. */
export const rejectPromotion: ChangeDefinition<typeof approvalDecisionSchema, ApprovalState> = {
  permission: "approvals.decide",
  schema: approvalDecisionSchema,
  run: ({ input, caller, tx, audit }) =>
    decide(tx, audit, caller, {
      promotionId: input.promotionId,
      decision: "reject",
      comment: input.comment,
      override: false,
    }),
};

/** An admin starts a promotion without the approvals its policy asks for; the written reason is audited. */
export const overrideApproval: ChangeDefinition<typeof approvalOverrideSchema, ApprovalState> = {
  permission: "approvals.override",
  schema: approvalOverrideSchema,
  run: ({ input, caller, tx, audit }) =>
    decide(tx, audit, caller, {
      promotionId: input.promotionId,
      decision: "approve",
      comment: input.reason,
      override: true,
    }),
};

interface Decision {
  promotionId: string;
  decision: "approve" | "reject";
  comment: string;
  override: boolean;
}

async function decide(tx: Tx, audit: Audit, caller: Caller, decision: Decision): Promise<ApprovalState> {
  const { promotionId } = decision;
  // One decision at a time per promotion: two approvers clicking together must not both start it.
  await tx.$queryRaw`SELECT id FROM "Promotion" WHERE id = ${promotionId} FOR UPDATE`;
  const before = await loadApprovalState(tx, promotionId);
  if (!before) throw new UserError(`promotionId: no promotion ${promotionId}`, "promotionId", 404);
  if (before.status !== "awaiting_approval")
    throw new UserError(
      `promotionId: this promotion is ${before.status.replace("_", " ")}, not awaiting approval`,
      "promotionId",
      409,
    );
  if (before.expired)
    throw new UserError(
      `promotionId: this request expired on ${before.expiresAt.slice(0, 10)}; promote the release again`,
      "promotionId",
      409,
    );
  if (!caller.userId)
    throw new UserError("approvals are decided by a person: sign in, or use a token of your own user", undefined, 403);
  if (!decision.override && caller.userId === before.requestedById) {
    throw new UserError(
      "promotionId: you requested this promotion, so another approver must decide (an admin may override with a written reason)",
      "promotionId",
      403,
    );
  }

  const replanned = await replanForCurrentDigests(tx, promotionId);
  if (replanned) {
    await audit({
      action: "promotion.plan_changed",
      targetType: "promotion",
      targetId: promotionId,
      detail: {
        reason: "the release's digests changed after the request; earlier approvals no longer count",
        changes: replanned.changes,
        planHash: replanned.planHash,
      },
    });
  }
  const state = (await loadApprovalState(tx, promotionId))!;
  const unverified = state.signatures?.filter((s) => s.status !== "verified") ?? [];
  if (decision.decision === "approve" && unverified.length > 0)
    throw new UserError(
      `promotionId: ${unverified.map((s) => `${s.component} is ${s.status}`).join(", ")} under the channel's signature policy; promote the release again`,
      "promotionId",
      422,
    );
  await tx.approval.upsert({
    where: { promotionId_userId: { promotionId, userId: caller.userId } },
    create: {
      promotionId,
      userId: caller.userId,
      decision: decision.decision,
      comment: decision.comment,
      planHash: state.planHash!,
      override: decision.override,
    },
    update: {
      decision: decision.decision,
      comment: decision.comment,
      planHash: state.planHash!,
      override: decision.override,
      createdAt: new Date(),
    },
  });
  const action = decision.override
    ? "approval.override"
    : decision.decision === "approve"
      ? "approval.approved"
      : "approval.rejected";
  await audit({
    action,
    targetType: "promotion",
    targetId: promotionId,
    detail: {
      comment: decision.comment,
      planHash: state.planHash,
      required: state.required,
      ...(state.signatures ? { signers: signersOf(state) } : {}),
    },
  });

  const after = (await loadApprovalState(tx, promotionId))!;
  if (decision.decision === "reject") {
    await tx.promotion.update({ where: { id: promotionId }, data: { status: "rejected", finishedAt: new Date() } });
    await audit({
      action: "promotion.rejected",
      targetType: "promotion",
      targetId: promotionId,
      detail: { before: { status: "awaiting_approval" }, after: { status: "rejected" }, comment: decision.comment },
    });
    await emitWebhookEvent(tx, {
      event: "promotion.rejected",
      promotionId,
      data: { by: caller.email, comment: decision.comment },
    });
    return { ...after, status: "rejected" };
  }
  if (after.satisfied) {
    await startPromotion(tx, promotionId);
    await audit({
      action: "promotion.approved",
      targetType: "promotion",
      targetId: promotionId,
      detail: {
        before: { status: "awaiting_approval" },
        after: { status: "queued" },
        approvedBy: after.approvals.map((a) => a.email),
        override: decision.override,
      },
    });
    await emitWebhookEvent(tx, {
      event: "promotion.approved",
      promotionId,
      data: { approvedBy: after.approvals.map((a) => a.email), override: decision.override, comment: decision.comment },
    });
    return { ...after, status: "queued" };
  }
  return after;
}

/** Every signer the approver saw, once however many components or signatures it signed. */
function signersOf(state: ApprovalState): string[] {
  return [...new Set(state.signatures?.flatMap((s) => s.signers) ?? [])];
}
