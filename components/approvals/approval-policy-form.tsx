"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { useAction } from "@/components/hooks/use-action";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { Input } from "@/components/ui/input";
import { setRegistryApprovals } from "@/lib/actions/approvals";

/** How many approvers must approve promotions into a connection (admins). */
export function ApprovalPolicyForm({
  registryId,
  approvalsRequired,
}: {
  registryId: string;
  approvalsRequired: number;
}) {
  const router = useRouter();
  const [value, setValue] = useState(String(approvalsRequired));
  const [saved, setSaved] = useState(false);
  const save = useAction(setRegistryApprovals);
  return (
    <form
      className="flex flex-wrap items-end gap-3"
      onSubmit={(event) => {
        event.preventDefault();
        setSaved(false);
        save.run({ registryId, approvalsRequired: Number(value) }, () => {
          setSaved(true);
          router.refresh();
        });
      }}
    >
      <Field
        label="Approvals required"
        hint="0 means promotions start at once. Requesters never approve their own."
        error={save.fieldErrors.approvalsRequired}
      >
        {(p) => (
          <Input
            {...p}
            type="number"
            min={0}
            max={10}
            step={1}
            className="w-28"
            value={value}
            onChange={(e) => setValue(e.target.value)}
          />
        )}
      </Field>
      <Button type="submit" pending={save.pending}>
        Save policy
      </Button>
      {saved ? (
        <span role="status" className="text-sm text-muted">
          Saved.
        </span>
      ) : null}
      <FormError message={save.error} className="w-full" />
    </form>
  );
}
