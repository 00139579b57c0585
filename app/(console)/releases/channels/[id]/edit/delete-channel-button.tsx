"use client";

import { ConfirmDeleteButton } from "@/components/ui/confirm-delete-button";
import { removeChannel } from "@/lib/actions/channels";

/** Delete, after a confirmation; the server refuses while promotions point at the channel's releases. */
export function DeleteChannelButton({ id, name }: { id: string; name: string }) {
  return (
    <ConfirmDeleteButton
      id={id}
      name={name}
      description="The channel and the releases it found are removed. Images in registries are not touched."
      confirmLabel="Delete channel"
      action={removeChannel}
      redirectTo="/releases"
    />
  );
}
