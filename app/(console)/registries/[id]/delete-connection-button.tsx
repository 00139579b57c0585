"use client";

import { ConfirmDeleteButton } from "@/components/ui/confirm-delete-button";
import { removeRegistry } from "@/lib/actions/registries";

/** Delete, after a confirmation; the server refuses while a channel or promotion uses the connection. */
export function DeleteConnectionButton({ id, name }: { id: string; name: string }) {
  return (
    <ConfirmDeleteButton
      id={id}
      name={name}
      description="The connection and its encrypted secret are removed. Images already copied stay in the registry."
      confirmLabel="Delete connection"
      action={removeRegistry}
      redirectTo="/registries"
    />
  );
}
