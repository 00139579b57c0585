import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { shortDigest } from "@/components/ui/digest";
import type { ApprovalState } from "@/lib/approvals/approval-state";
import { can } from "@/lib/auth/permissions";
import type { Role } from "@/lib/auth/roles";
import { ApprovalDecision } from "./approval-decision";
import { WithdrawRequestButton } from "./withdraw-request-button";

/**
 * Where a request stands: approvals of the current plan out of the required number, void
 * ones with why, the expiry, and — for those allowed — the decision controls.
 */
export function ApprovalPanel({
  state,
  viewer,
  title,
}: {
  state: ApprovalState;
  viewer: { id: string; role: Role };
  title?: string;
}) {
  const waiting = state.status === "awaiting_approval" && !state.expired;
  const isRequester = state.requestedById === viewer.id;
  const canDecide = waiting && can(viewer.role, "approvals.decide") && !isRequester;
  const canOverride = waiting && can(viewer.role, "approvals.override");
  return (
    <Card data-testid={`approval-${state.promotionId}`}>
      <CardHeader
        title={title ?? "Approval"}
        description={`Requested by ${state.requestedBy ?? "a removed user"} · ${state.approvals.length} of ${state.required} approvals · ${decidedText(state.status, state.expired, state.expiresAt)}`}
        actions={
          <Badge
            tone={
              state.status === "rejected"
                ? "danger"
                : state.status === "withdrawn"
                  ? "neutral"
                  : waiting
                    ? "warning"
                    : "success"
            }
          >
            {state.status.replace("_", " ")}
          </Badge>
        }
      />
      <CardBody className="space-y-4">
        {state.planChanged ? (
          <p role="alert" className="rounded-md border border-warning/40 bg-warning/10 px-3 py-2 text-sm text-fg">
            The release changed since this was requested:{" "}
            {state.planChanged.map((c) => `${c.component} ${shortDigest(c.from)} → ${shortDigest(c.to)}`).join(", ")}.
            Earlier approvals no longer count; deciding now approves the new digests.
          </p>
        ) : null}
        {state.signatures ? (
          <div data-testid="approval-signers" className="space-y-1 text-sm">
            <p className="font-medium text-fg">Signed by</p>
            <ul className="space-y-0.5">
              {state.signatures.map((s) => (
                <li key={s.component}>
                  <span className="font-mono text-xs text-muted">{s.component}</span>{" "}
                  {s.status === "verified" ? (
                    <span className="text-fg">{s.signers.join(", ")}</span>
                  ) : (
                    <Badge tone="danger">{s.status === "invalid" ? `signature invalid: ${s.reason}` : s.status}</Badge>
                  )}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        <ul className="space-y-1.5 text-sm">
          {state.approvals.map((a) => (
            <li key={a.userId}>
              <span className="font-medium text-fg">{a.email}</span> {a.override ? "overrode the policy" : "approved"}
              {a.comment ? <span className="text-muted">: “{a.comment}”</span> : null}
            </li>
          ))}
          {state.rejections.map((a) => (
            <li key={a.userId}>
              <span className="font-medium text-fg">{a.email}</span> rejected
              {a.comment ? <span className="text-muted">: “{a.comment}”</span> : null}
            </li>
          ))}
          {state.void.map((a) => (
            <li key={a.userId} className="text-muted">
              <s>
                {a.email} {a.decision === "approve" ? "approved" : "rejected"}
              </s>{" "}
              — void: {a.reason}
            </li>
          ))}
          {state.approvals.length + state.rejections.length + state.void.length === 0 ? (
            <li className="text-muted">No decisions yet.</li>
          ) : null}
        </ul>
        {waiting && isRequester ? (
          <div className="flex flex-wrap items-center justify-between gap-3">
            <p className="text-sm text-muted">You requested this promotion, so another approver decides.</p>
            {can(viewer.role, "approvals.withdraw") ? <WithdrawRequestButton promotionId={state.promotionId} /> : null}
          </div>
        ) : null}
        {canDecide || canOverride ? (
          <ApprovalDecision promotionId={state.promotionId} canDecide={canDecide} canOverride={canOverride} />
        ) : null}
      </CardBody>
    </Card>
  );
}

/** Only a request still waiting expires; a decided one says it was decided. */
function decidedText(status: string, expired: boolean, expiresAt: string): string {
  if (status === "withdrawn") return "withdrawn by the requester";
  if (status !== "awaiting_approval") return "decided";
  return expired ? "expired" : `expires ${expiresAt.slice(0, 10)}`;
}
