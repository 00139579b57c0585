"use client";

import { useRouter } from "next/navigation";
import { useAction } from "@/components/hooks/use-action";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/form-error";
import { exportReleaseBundle } from "@/lib/actions/bundles";

/** "Export bundle": queues a worker to write the release into the bundle folder, then shows its progress on /bundles. */
export function ExportBundleButton({ releaseId, tag }: { releaseId: string; tag: string }) {
  const router = useRouter();
  const { run, pending, error } = useAction(exportReleaseBundle);
  return (
    <div className="flex flex-col items-end gap-2">
      <Button pending={pending} onClick={() => run({ releaseId }, () => router.push("/bundles"))}>
        Export bundle
      </Button>
      {error ? <FormError className="max-w-md" message={error} /> : null}
      <span className="sr-only">Export {tag} as a bundle file</span>
    </div>
  );
}
