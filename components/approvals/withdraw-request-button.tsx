"use client";

import { useRouter } from "next/navigation";
import { useAction } from "@/components/hooks/use-action";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/form-error";
import { withdraw } from "@/lib/actions/approvals";

/** The requester takes the request back; the server checks it is theirs and still undecided. */
export function WithdrawRequestButton({ promotionId }: { promotionId: string }) {
  const router = useRouter();
  const { run, pending, error } = useAction(withdraw);
  return (
    <div className="flex flex-col items-end gap-1">
      <Button pending={pending} onClick={() => run({ promotionId, comment: "" }, () => router.refresh())}>
        Withdraw request
      </Button>
      <FormError message={error} />
    </div>
  );
}
