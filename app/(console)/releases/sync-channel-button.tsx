"use client";

import { useRouter } from "next/navigation";
import { useAction } from "@/components/hooks/use-action";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/form-error";
import { syncChannelNow } from "@/lib/actions/channels";

/** "Sync now": asks the registry while the button spins, then shows the page again with what was found. */
export function SyncChannelButton({ id, name }: { id: string; name: string }) {
  const router = useRouter();
  const { run, pending, error } = useAction(syncChannelNow);
  return (
    <div className="flex flex-col items-end gap-2">
      <Button pending={pending} onClick={() => run({ id }, () => router.refresh())} aria-label={`Sync ${name} now`}>
        {pending ? "Syncing…" : "Sync now"}
      </Button>
      {/* The reason is also stored on the channel; after a refresh the card shows it. */}
      {error ? <FormError className="max-w-md" message={error} /> : null}
    </div>
  );
}
