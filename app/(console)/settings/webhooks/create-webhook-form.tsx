"use client";

import Link from "next/link";
import { useState, type FormEvent } from "react";
import { useAction } from "@/components/hooks/use-action";
import { Button, buttonStyles } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { FormError } from "@/components/ui/form-error";
import { addWebhook } from "@/lib/actions/webhooks";
import { readWebhookFields, WebhookFields } from "./webhook-fields";

/** Adds a webhook; the signing secret Gantry generated is shown here once. */
export function CreateWebhookForm() {
  const [created, setCreated] = useState<{ id: string; name: string; secret: string } | null>(null);
  const [formKey, setFormKey] = useState(0);
  const { run, pending, error, fieldErrors } = useAction(addWebhook);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    run(readWebhookFields(new FormData(event.currentTarget)), (data) => {
      setCreated({ id: data.id, name: data.name, secret: data.secret });
      setFormKey((key) => key + 1);
    });
  }

  return (
    <Card>
      <CardHeader
        title="Add a webhook"
        description="Gantry generates the signing secret and shows it once, right after you add the webhook."
      />
      <CardBody className="space-y-4">
        {created ? (
          <div
            className="space-y-2 rounded-md border border-success/30 bg-success/8 p-3"
            data-testid="new-webhook-secret"
          >
            <p className="text-sm text-fg">
              Webhook <strong>{created.name}</strong> added. Copy its signing secret now and give it to the receiver —
              it won&apos;t be shown again:
            </p>
            <CodeBlock code={created.secret} copyLabel="Copy signing secret" />
            <Link href={`/settings/webhooks/${created.id}`} className={buttonStyles({ size: "sm" })}>
              Open {created.name} to send a test
            </Link>
          </div>
        ) : null}
        <form key={formKey} onSubmit={onSubmit} className="space-y-4" noValidate>
          <WebhookFields fieldErrors={fieldErrors} />
          <FormError message={error} />
          <Button type="submit" variant="primary" pending={pending}>
            Add webhook
          </Button>
        </form>
      </CardBody>
    </Card>
  );
}
