"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useAction } from "@/components/hooks/use-action";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { FormError } from "@/components/ui/form-error";
import { editWebhook } from "@/lib/actions/webhooks";
import type { WebhookView } from "@/lib/webhooks/webhook-view";
import { readWebhookFields, WebhookFields } from "../webhook-fields";

/** Edits name, URL, events and format; the signing secret stays as it is. */
export function EditWebhookForm({ webhook }: { webhook: WebhookView }) {
  const router = useRouter();
  const [saved, setSaved] = useState(false);
  const { run, pending, error, fieldErrors } = useAction(editWebhook);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(false);
    run({ id: webhook.id, ...readWebhookFields(new FormData(event.currentTarget)) }, () => {
      setSaved(true);
      router.refresh();
    });
  }

  return (
    <Card>
      <CardHeader
        title="Settings"
        description="The signing secret does not change; to replace it, delete the webhook and add it again."
      />
      <CardBody>
        <form onSubmit={onSubmit} className="space-y-4" noValidate>
          <WebhookFields defaults={webhook} fieldErrors={fieldErrors} />
          <FormError message={error} />
          <div className="flex items-center gap-3">
            <Button type="submit" variant="primary" pending={pending}>
              Save changes
            </Button>
            {saved ? (
              <span role="status" className="text-sm text-success">
                Saved
              </span>
            ) : null}
          </div>
        </form>
      </CardBody>
    </Card>
  );
}
