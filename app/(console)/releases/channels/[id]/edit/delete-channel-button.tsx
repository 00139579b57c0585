"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { useAction } from "@/components/hooks/use-action";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { FormError } from "@/components/ui/form-error";
import { removeChannel } from "@/lib/actions/channels";

/** Delete, after a confirmation; the server refuses while promotions point at the channel's releases. */
export function DeleteChannelButton({ id, name }: { id: string; name: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const { run, pending, error } = useAction(removeChannel);
  return (
    <>
      <Button variant="danger" onClick={() => setOpen(true)}>
        Delete
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        title={`Delete ${name}?`}
        description="The channel and the releases it found are removed. Images in registries are not touched."
        footer={
          <>
            <Button onClick={() => setOpen(false)} data-autofocus>
              Cancel
            </Button>
            <Button variant="danger" pending={pending} onClick={() => run({ id }, () => router.push("/releases"))}>
              Delete channel
            </Button>
          </>
        }
      >
        <FormError message={error} />
      </Dialog>
    </>
  );
}
