import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ForbiddenNotice } from "@/components/forbidden-notice";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { isUserError } from "@/lib/change/errors";
import { requireUser } from "@/lib/auth/get-current-user";
import { can } from "@/lib/auth/permissions";
import { getWebhookOrThrow, listWebhookDeliveries, type WebhookView } from "@/lib/webhooks/webhook-view";
import { DeliveriesTable } from "./deliveries-table";
import { EditWebhookForm } from "./edit-webhook-form";
import { WebhookActions } from "./webhook-actions";

export const metadata: Metadata = { title: "Webhook" };

export default async function WebhookPage({ params }: { params: Promise<{ id: string }> }) {
  const me = await requireUser();
  if (!can(me.role, "webhooks.read")) return <ForbiddenNotice permission="webhooks.read" />;
  const webhook = await findWebhook((await params).id);
  if (!webhook) notFound();
  const deliveries = await listWebhookDeliveries(webhook.id, { limit: 50 });
  const canWrite = can(me.role, "settings.write");

  return (
    <>
      <PageHeader
        title={
          <span className="inline-flex items-center gap-2.5">
            {webhook.name}
            {webhook.enabled ? <Badge tone="success">enabled</Badge> : <Badge>disabled</Badge>}
          </span>
        }
        description={
          <>
            <Link href="/settings/webhooks" className="text-accent hover:underline">
              Webhooks
            </Link>{" "}
            · <span className="font-mono">{webhook.url}</span>
          </>
        }
      />
      <div className="space-y-6">
        {canWrite ? <WebhookActions id={webhook.id} name={webhook.name} enabled={webhook.enabled} /> : null}
        <Card>
          <CardHeader
            title="Delivery log"
            description="The newest 50 deliveries with every attempt. Pending ones are retried with backoff; redeliver sends one again as a new delivery."
          />
          <CardBody className="p-0">
            <DeliveriesTable webhookId={webhook.id} deliveries={deliveries} canRedeliver={canWrite} />
          </CardBody>
        </Card>
        {canWrite ? <EditWebhookForm webhook={webhook} /> : null}
      </div>
    </>
  );
}

async function findWebhook(id: string): Promise<WebhookView | null> {
  try {
    return await getWebhookOrThrow(id);
  } catch (error) {
    if (isUserError(error)) return null;
    throw error;
  }
}
