"use client";

import { useState, type FormEvent } from "react";
import { useAction } from "@/components/hooks/use-action";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { FormError } from "@/components/ui/form-error";
import { Input } from "@/components/ui/input";
import { saveAuditRetention } from "@/lib/actions/audit";

/** How many days events stay in the database before the daily job archives them. */
export function RetentionForm({ days }: { days: number | null }) {
  const [saved, setSaved] = useState<string | null>(null);
  const { run, pending, error, fieldErrors } = useAction(saveAuditRetention);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const value = String(new FormData(event.currentTarget).get("days") ?? "").trim();
    setSaved(null);
    run({ days: value === "" ? null : value }, (result) =>
      setSaved(
        result.days === null
          ? "Events are kept forever."
          : `Events older than ${result.days} days will be archived tonight.`,
      ),
    );
  }

  return (
    <Card>
      <CardHeader
        title="Retention"
        description="Once a day, events older than this are written to a gzip JSON Lines file (in the data folder's audit-archive, or GANTRY_AUDIT_ARCHIVE_DIR) and only then removed; the chain stays verifiable from the last archived event."
      />
      <CardBody>
        <form onSubmit={onSubmit} className="flex flex-wrap items-end gap-3" noValidate>
          <Field
            label="Keep events for (days)"
            optional
            hint="Empty keeps them forever."
            error={fieldErrors.days}
            className="w-56"
          >
            {(p) => <Input {...p} name="days" inputMode="numeric" defaultValue={days ?? ""} placeholder="forever" />}
          </Field>
          <Button type="submit" variant="primary" pending={pending} className="mb-5">
            Save
          </Button>
          {saved ? (
            <p className="mb-6 text-sm text-success" role="status">
              {saved}
            </p>
          ) : null}
        </form>
        <FormError message={error} />
      </CardBody>
    </Card>
  );
}
