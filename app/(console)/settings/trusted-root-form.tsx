"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { useAction } from "@/components/hooks/use-action";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { Textarea } from "@/components/ui/textarea";
import { uploadTrustedRoot } from "@/lib/actions/channels";

/** An admin pastes or picks the sigstore trusted_root.json keyless signatures are verified against, offline. */
export function TrustedRootForm() {
  const router = useRouter();
  const [text, setText] = useState("");
  const [saved, setSaved] = useState(false);
  const save = useAction(uploadTrustedRoot);
  return (
    <form
      aria-label="Trusted root"
      className="space-y-3"
      onSubmit={(event) => {
        event.preventDefault();
        setSaved(false);
        save.run({ trustedRoot: text }, () => {
          setSaved(true);
          setText("");
          router.refresh();
        });
      }}
    >
      <Field label="trusted_root.json" error={save.fieldErrors.trustedRoot}>
        {(p) => <Textarea {...p} mono rows={5} value={text} onChange={(e) => setText(e.target.value)} />}
      </Field>
      <input
        type="file"
        accept="application/json,.json"
        aria-label="Choose trusted_root.json"
        className="text-sm text-muted"
        onChange={async (e) => setText((await e.target.files?.[0]?.text()) ?? "")}
      />
      {save.error && !save.fieldErrors.trustedRoot ? <FormError message={save.error} /> : null}
      <div className="flex items-center gap-3">
        <Button type="submit" pending={save.pending} disabled={text.trim() === ""}>
          Upload trusted root
        </Button>
        {saved ? (
          <span role="status" className="text-sm text-muted">
            Saved.
          </span>
        ) : null}
      </div>
    </form>
  );
}
