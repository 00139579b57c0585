"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { useAction } from "@/components/hooks/use-action";
import type { ActionResult } from "@/lib/actions/action-client";
import { Button } from "./button";
import { Dialog } from "./dialog";
import { FormError } from "./form-error";

type ConfirmDeleteButtonProps = {
  id: string;
  /** Shown in the question: "Delete <name>?" */
  name: string;
  /** What deleting removes, and what it leaves alone. */
  description: string;
  /** The confirming button's label, e.g. "Delete connection". */
  confirmLabel: string;
  /** The server action; its refusal (e.g. "used by channel X") is shown in the dialog. */
  action: (input: { id: string }) => Promise<ActionResult<unknown>>;
  /** Where to go once deleted. */
  redirectTo: string;
};

/** A Delete button that asks first, then runs the action and leaves the deleted thing's page. */
export function ConfirmDeleteButton({
  id,
  name,
  description,
  confirmLabel,
  action,
  redirectTo,
}: ConfirmDeleteButtonProps) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const { run, pending, error } = useAction(action);

  return (
    <>
      <Button variant="danger" onClick={() => setOpen(true)}>
        Delete
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        title={`Delete ${name}?`}
        description={description}
        footer={
          <>
            <Button onClick={() => setOpen(false)} data-autofocus>
              Cancel
            </Button>
            <Button variant="danger" pending={pending} onClick={() => run({ id }, () => router.push(redirectTo))}>
              {confirmLabel}
            </Button>
          </>
        }
      >
        <FormError message={error} />
      </Dialog>
    </>
  );
}
