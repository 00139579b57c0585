"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { useAction } from "@/components/hooks/use-action";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { Textarea } from "@/components/ui/textarea";
import { approve, override, reject } from "@/lib/actions/approvals";

/** Approve or reject with a comment; admins may also override the policy with a written reason. */
export function ApprovalDecision({
  promotionId,
  canDecide,
  canOverride,
}: {
  promotionId: string;
  canDecide: boolean;
  canOverride: boolean;
}) {
  const router = useRouter();
  const [comment, setComment] = useState("");
  const [reason, setReason] = useState("");
  const decision = useAction(async (input: { kind: "approve" | "reject" }) =>
    (input.kind === "approve" ? approve : reject)({ promotionId, comment }),
  );
  const overriding = useAction(override);

  return (
    <div className="space-y-4">
      {canDecide ? (
        <div className="space-y-3">
          <Field label="Comment" optional error={decision.fieldErrors.comment}>
            {(p) => (
              <Textarea
                {...p}
                rows={2}
                value={comment}
                onChange={(e) => setComment(e.target.value)}
                placeholder="What you checked"
              />
            )}
          </Field>
          <FormError message={decision.error} />
          <div className="flex gap-2">
            <Button
              variant="primary"
              pending={decision.pending}
              onClick={() => decision.run({ kind: "approve" }, () => router.refresh())}
            >
              Approve
            </Button>
            <Button
              variant="danger"
              disabled={decision.pending}
              onClick={() => decision.run({ kind: "reject" }, () => router.refresh())}
            >
              Reject
            </Button>
          </div>
        </div>
      ) : null}
      {canOverride ? (
        <details className="rounded-md border border-border px-3 py-2">
          <summary className="cursor-pointer text-sm font-medium text-fg">Override the approval policy (admin)</summary>
          <div className="mt-3 space-y-3">
            <Field
              label="Reason"
              hint="Required, at least 10 characters; recorded in the audit history."
              error={overriding.fieldErrors.reason}
            >
              {(p) => <Textarea {...p} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />}
            </Field>
            <FormError message={overriding.error} />
            <Button
              variant="secondary"
              pending={overriding.pending}
              onClick={() => overriding.run({ promotionId, reason }, () => router.refresh())}
            >
              Start without the approvals
            </Button>
          </div>
        </details>
      ) : null}
    </div>
  );
}
