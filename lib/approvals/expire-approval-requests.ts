import { db } from "@/lib/db/prisma";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { emitWebhookEvent } from "@/lib/webhooks/emit-webhook-event";
import { loadApprovalState } from "./approval-state";

/**
 * Ends requests nobody decided in time: `rejected`, with an audit event saying they expired.
 * Run hourly by the worker; deciding an expired request is refused anyway.
 */
export async function expireApprovalRequests(now = new Date()): Promise<number> {
  const waiting = await db().promotion.findMany({ where: { status: "awaiting_approval" }, select: { id: true } });
  let expired = 0;
  for (const { id } of waiting) {
    const done = await db().$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM "Promotion" WHERE id = ${id} FOR UPDATE`;
      const state = await loadApprovalState(tx, id, now);
      if (!state || state.status !== "awaiting_approval" || !state.expired) return false;
      await tx.promotion.update({ where: { id }, data: { status: "rejected", finishedAt: now } });
      await recordAuditEvent(tx, {
        action: "promotion.expired",
        targetType: "promotion",
        targetId: id,
        detail: {
          before: { status: "awaiting_approval" },
          after: { status: "rejected" },
          expiresAt: state.expiresAt,
          approvals: state.approvals.length,
          required: state.required,
        },
      });
      await emitWebhookEvent(tx, {
        event: "promotion.rejected",
        promotionId: id,
        data: { reason: "expired", expiresAt: state.expiresAt },
      });
      return true;
    });
    if (done) expired += 1;
  }
  return expired;
}
