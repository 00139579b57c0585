"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { useAction } from "@/components/hooks/use-action";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { FormError } from "@/components/ui/form-error";
import { promote } from "@/lib/actions/promotions";
import type { RollbackOffer } from "@/lib/promotions/rollback-offer";

/**
 * "Roll back to <previous release>" on a target's latest promotion: creates a promotion of
 * the earlier release to the same target through the normal path (plan, approvals, audit).
 * Its images are still at the target, so it moves no byte: only the tags go back.
 */
export function RollbackButton({ offer, targetName }: { offer: RollbackOffer; targetName: string }) {
  const router = useRouter();
  const create = useAction(promote);
  const [confirming, setConfirming] = useState(false);
  const label = `Roll back to ${offer.tag}`;
  return (
    <div className="flex flex-col items-end gap-2">
      <Button variant="secondary" onClick={() => setConfirming(true)}>
        {label}
      </Button>
      <FormError message={create.error} className="max-w-md" />
      <Dialog
        open={confirming}
        onClose={() => setConfirming(false)}
        title={`Roll ${targetName} back to ${offer.tag}?`}
        description={`This asks to promote ${offer.tag} to ${targetName} again, like any promotion (approvals apply). Where its images are still there, nothing is copied: the tags move back.`}
        footer={
          <>
            <Button onClick={() => setConfirming(false)} data-autofocus>
              Cancel
            </Button>
            <Button
              variant="primary"
              pending={create.pending}
              onClick={() => create.run(offer.input, (created) => router.push(`/promotions/${created.id}`))}
            >
              {label}
            </Button>
          </>
        }
      />
    </div>
  );
}
