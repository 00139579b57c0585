"use client";

import { useState } from "react";
import { useAction } from "@/components/hooks/use-action";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { FormError } from "@/components/ui/form-error";
import { runAuditVerification } from "@/lib/actions/audit";
import type { VerificationView } from "@/lib/audit/verify-audit-trail";

/** Runs the full chain verification on the server and shows the verdict, or the first broken link. */
export function VerifyPanel() {
  const [verdict, setVerdict] = useState<VerificationView | null>(null);
  const { run, pending, error } = useAction(runAuditVerification);

  return (
    <Card>
      <CardHeader
        title="Hash chain"
        description="Recomputes every event's hash in order. Takes a few seconds per hundred thousand events; the same check as `gantry audit verify`."
        actions={
          <Button variant="primary" pending={pending} onClick={() => run({}, setVerdict)}>
            Verify now
          </Button>
        }
      />
      <CardBody className="space-y-3 text-sm" aria-live="polite">
        <FormError message={error} />
        {verdict === null ? (
          <p className="text-muted">{pending ? "Verifying…" : "Not checked yet on this page."}</p>
        ) : verdict.ok ? (
          <p data-testid="verify-result">
            <Badge tone="success">intact</Badge>{" "}
            <span className="ml-2">{verdict.events.toLocaleString("en")} events verified</span>
            {verdict.anchor ? (
              <span className="text-muted">
                {" "}
                · starting from archived event #{verdict.anchor.lastId} ({verdict.anchor.file})
              </span>
            ) : null}
          </p>
        ) : (
          <div data-testid="verify-result" className="space-y-2">
            <p>
              <Badge tone="danger">broken</Badge>
              <span className="ml-2 font-medium">
                First broken link: event #{verdict.brokenAt} at {verdict.at.slice(0, 19).replace("T", " ")} UTC
              </span>
            </p>
            <p>Why: {verdict.reason}.</p>
            <dl className="grid grid-cols-[6rem_minmax(0,1fr)] gap-y-1 font-mono text-xs">
              <dt className="font-sans text-muted">Expected</dt>
              <dd className="break-all">{verdict.expected}</dd>
              <dt className="font-sans text-muted">Found</dt>
              <dd className="break-all">{verdict.actual}</dd>
            </dl>
            <p className="text-muted">
              Checked {verdict.events.toLocaleString("en")} events up to it. Compare with the last export or archive to
              see what changed.
            </p>
          </div>
        )}
      </CardBody>
    </Card>
  );
}
