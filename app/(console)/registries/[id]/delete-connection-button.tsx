"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { useAction } from "@/components/hooks/use-action";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { FormError } from "@/components/ui/form-error";
import { removeRegistry } from "@/lib/actions/registries";

/** Delete, after a confirmation; the server refuses while a channel or promotion uses the connection. */
export function DeleteConnectionButton({ id, name }: { id: string; name: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const { run, pending, error } = useAction(removeRegistry);

  return (
    <>
      <Button variant="danger" onClick={() => setOpen(true)}>
        Delete
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        title={`Delete ${name}?`}
        description="The connection and its encrypted secret are removed. Images already copied stay in the registry."
        footer={
          <>
            <Button onClick={() => setOpen(false)} data-autofocus>
              Cancel
            </Button>
            <Button variant="danger" pending={pending} onClick={() => run({ id }, () => router.push("/registries"))}>
              Delete connection
            </Button>
          </>
        }
      >
        <FormError message={error} />
      </Dialog>
    </>
  );
}
