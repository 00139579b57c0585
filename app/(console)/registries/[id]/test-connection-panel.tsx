"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { useAction } from "@/components/hooks/use-action";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { FormError } from "@/components/ui/form-error";
import { Select } from "@/components/ui/select";
import { TimeAgo } from "@/components/ui/time-ago";
import { testRegistry } from "@/lib/actions/registries";
import type { CheckPurpose, StoredCheck } from "@/lib/connections/check-result";
import { ConnectionHealth } from "../connection-health";
import { CheckSteps } from "./check-steps";

/** "Test connection" with what to check for, and the step list of the last (or this) check. */
export function TestConnectionPanel({
  id,
  lastCheck,
  canTest,
}: {
  id: string;
  lastCheck: StoredCheck | null;
  canTest: boolean;
}) {
  const router = useRouter();
  const [check, setCheck] = useState(lastCheck);
  const [purpose, setPurpose] = useState<CheckPurpose>(lastCheck?.purpose ?? "target");
  const { run, pending, error } = useAction(testRegistry);

  function test() {
    run({ id, purpose }, (result) => {
      setCheck(result);
      router.refresh();
    });
  }

  return (
    <Card data-testid="connection-test" data-checked-at={check?.checkedAt ?? ""}>
      <CardHeader
        title="Connection test"
        description={
          check ? (
            <span className="inline-flex flex-wrap items-center gap-2">
              <ConnectionHealth lastCheck={check} showTime={false} />
              <span>
                as a {check.purpose}, <TimeAgo date={check.checkedAt} />
              </span>
            </span>
          ) : (
            "Not tested yet: DNS, TCP, TLS, the registry API, its auth challenge, the credential, listing, creating and pushing, in that order."
          )
        }
        actions={
          canTest ? (
            <>
              <Select
                aria-label="Test for"
                value={purpose}
                disabled={pending}
                onChange={(e) => setPurpose(e.target.value as CheckPurpose)}
              >
                <option value="target">as a target (read and write)</option>
                <option value="source">as a source (read only)</option>
              </Select>
              <Button variant="primary" pending={pending} onClick={test}>
                Test connection
              </Button>
            </>
          ) : null
        }
      />
      {pending || error || check ? (
        <CardBody className="space-y-3">
          {pending ? (
            <p className="text-sm text-muted" role="status">
              Testing… each step may take up to 20 seconds.
            </p>
          ) : null}
          <FormError message={error} />
          {check ? <CheckSteps steps={check.steps} /> : null}
        </CardBody>
      ) : null}
    </Card>
  );
}
