"use client";

import { signOut } from "next-auth/react";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { SignOutIcon } from "@/components/ui/icons";
import { endAllSessions } from "@/lib/actions/session";

export function SignOutButton({ compact = false }: { compact?: boolean }) {
  const [pending, setPending] = useState(false);

  async function handleClick() {
    setPending(true);
    try {
      // Ends this user's sessions everywhere (a copied cookie stops working), then clears this one.
      await endAllSessions({});
      await signOut({ callbackUrl: "/sign-in" });
    } catch {
      // signOut navigates away on success; staying here means it failed, so allow a retry.
      setPending(false);
    }
  }

  return (
    <Button
      variant="ghost"
      size={compact ? "icon" : "sm"}
      pending={pending}
      onClick={handleClick}
      aria-label={compact ? "Sign out" : undefined}
      title={compact ? "Sign out — signs you out on every device" : "Signs you out on every device"}
    >
      {pending ? null : <SignOutIcon className="size-3.5" />}
      {compact ? null : "Sign out"}
    </Button>
  );
}
