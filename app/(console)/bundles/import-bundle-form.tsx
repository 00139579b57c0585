"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useAction } from "@/components/hooks/use-action";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/form-error";
import { Input } from "@/components/ui/input";
import { importBundleAsRelease } from "@/lib/actions/bundles";

/** "Import as release of channel…": the whole file is verified on the server, then recorded as a release. */
export function ImportBundleForm({ file, suggestedChannel }: { file: string; suggestedChannel: string }) {
  const router = useRouter();
  const [channel, setChannel] = useState(suggestedChannel);
  const [done, setDone] = useState<{ tag: string; channel: string; unchanged: boolean } | null>(null);
  const { run, pending, error, fieldErrors } = useAction(importBundleAsRelease);
  function submit(event: React.FormEvent) {
    event.preventDefault();
    setDone(null);
    run({ file, channel }, (result) => {
      setDone({ tag: result.tag, channel, unchanged: result.unchanged });
      router.refresh();
    });
  }
  return (
    <form onSubmit={submit} className="space-y-2" aria-label={`Import ${file}`}>
      <div className="flex flex-wrap items-end gap-2">
        <label className="flex flex-col gap-1 text-xs text-muted">
          Channel
          <Input
            name="channel"
            value={channel}
            onChange={(e) => setChannel(e.target.value)}
            aria-label={`Channel for ${file}`}
            aria-invalid={fieldErrors.channel ? true : undefined}
            className="w-56"
          />
        </label>
        <Button type="submit" pending={pending} variant="primary">
          {pending ? "Verifying…" : "Import as release of channel…"}
        </Button>
      </div>
      {done ? (
        <p role="status" className="text-xs text-muted">
          {done.unchanged ? `Release ${done.tag} was imported already.` : `Imported release ${done.tag}.`}{" "}
          <Link href="/releases" className="text-accent hover:underline">
            Promote it from Releases
          </Link>
        </p>
      ) : null}
      {error ? <FormError message={error} /> : null}
    </form>
  );
}
