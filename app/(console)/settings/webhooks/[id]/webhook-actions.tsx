"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { useAction } from "@/components/hooks/use-action";
import { Button } from "@/components/ui/button";
import { Card, CardBody } from "@/components/ui/card";
import { ConfirmDeleteButton } from "@/components/ui/confirm-delete-button";
import { FormError } from "@/components/ui/form-error";
import { editWebhook, removeWebhook, testWebhook } from "@/lib/actions/webhooks";
import type { TestDeliveryResult } from "@/lib/webhooks/send-test-webhook";

/** Send test (result inline), enable/disable and delete. */
export function WebhookActions({ id, name, enabled }: { id: string; name: string; enabled: boolean }) {
  const router = useRouter();
  const test = useAction(testWebhook);
  const toggle = useAction(editWebhook);
  const [result, setResult] = useState<TestDeliveryResult | null>(null);

  return (
    <Card>
      <CardBody className="space-y-3">
        <div className="flex flex-wrap items-center gap-2">
          <Button
            variant="primary"
            pending={test.pending}
            onClick={() =>
              test.run({ id }, (data) => {
                setResult(data);
                router.refresh();
              })
            }
          >
            Send test
          </Button>
          <Button
            pending={toggle.pending}
            onClick={() => toggle.run({ id, enabled: !enabled }, () => router.refresh())}
          >
            {enabled ? "Disable" : "Enable"}
          </Button>
          <ConfirmDeleteButton
            id={id}
            name={name}
            description="The webhook, its secret and its delivery log are removed; pending deliveries are dropped."
            confirmLabel="Delete webhook"
            action={removeWebhook}
            redirectTo="/settings/webhooks"
          />
          {result ? (
            <TestResult result={result} />
          ) : (
            <span className="text-sm text-muted">Sends a signed ping event now, even while disabled.</span>
          )}
        </div>
        <FormError message={test.error ?? toggle.error} />
      </CardBody>
    </Card>
  );
}

function TestResult({ result }: { result: TestDeliveryResult }) {
  return (
    <p role="status" data-testid="test-result" className={result.ok ? "text-sm text-success" : "text-sm text-danger"}>
      {result.ok ? "Test delivered" : "Test failed"}
      {result.statusCode !== null ? (
        <>
          : receiver answered <span className="font-mono font-semibold">{result.statusCode}</span>
        </>
      ) : null}{" "}
      in {result.durationMs} ms{result.error ? ` — ${result.error}` : ""}
    </p>
  );
}
