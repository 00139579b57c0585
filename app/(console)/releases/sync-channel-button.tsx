"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { useAction } from "@/components/hooks/use-action";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/form-error";
import { syncChannelNow } from "@/lib/actions/channels";
import type { SyncSummary } from "@/lib/releases/apply-sync";

/** "Sync now": asks the registry while the button spins, says what it found, and shows the page again. */
export function SyncChannelButton({ id, name }: { id: string; name: string }) {
  const router = useRouter();
  const [outcome, setOutcome] = useState<string | null>(null);
  const { run, pending, error } = useAction(syncChannelNow);
  function sync() {
    setOutcome(null);
    run({ id }, (result) => {
      setOutcome(describe(result.summary));
      router.refresh();
    });
  }
  return (
    <div className="flex flex-col items-end gap-2">
      <Button pending={pending} onClick={sync} aria-label={`Sync ${name} now`}>
        {pending ? "Syncing…" : "Sync now"}
      </Button>
      {outcome && !pending ? (
        <p role="status" className="max-w-sm text-right text-xs text-muted" data-testid="sync-outcome">
          {outcome}
        </p>
      ) : null}
      {/* The reason is also stored on the channel; after a refresh the card shows it. */}
      {error ? <FormError className="max-w-md" message={error} /> : null}
    </div>
  );
}

/** One or two sentences: what is new, and why the newest matching tag may not be a release yet. */
function describe(summary: SyncSummary): string {
  const found =
    summary.newReleases.length === 0
      ? "No new releases."
      : `Found ${summary.newReleases.length} new: ${summary.newReleases.slice(0, 3).join(", ")}${summary.newReleases.length > 3 ? "…" : ""}.`;
  const waiting = summary.incomplete[0];
  return waiting ? `${found} ${waiting.tag} is not in ${waiting.missingIn.join(", ")} yet.` : found;
}
