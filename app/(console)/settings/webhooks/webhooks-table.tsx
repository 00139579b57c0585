import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, TBody, Td, Th, THead, Tr } from "@/components/ui/table";
import { TimeAgo } from "@/components/ui/time-ago";
import { webhookEvents } from "@/lib/webhooks/webhook-events";
import type { WebhookView } from "@/lib/webhooks/webhook-view";
import { DeliveryStatusBadge } from "./delivery-status-badge";
import { WebhookIcon } from "./webhook-icon";

export function WebhooksTable({ webhooks }: { webhooks: WebhookView[] }) {
  if (webhooks.length === 0) {
    return (
      <EmptyState
        icon={<WebhookIcon />}
        title="No webhooks yet"
        description="Add one below to tell a Slack channel or a CI pipeline when promotions are requested, approved, finished or fail."
      />
    );
  }
  return (
    <Table>
      <THead>
        <Tr>
          <Th>Name</Th>
          <Th>URL</Th>
          <Th>Events</Th>
          <Th>Format</Th>
          <Th>Last delivery</Th>
          <Th className="text-right">State</Th>
        </Tr>
      </THead>
      <TBody>
        {webhooks.map((webhook) => (
          <Tr key={webhook.id} data-testid={`webhook-row-${webhook.name}`}>
            <Td className="font-medium">
              <Link href={`/settings/webhooks/${webhook.id}`} className="text-accent hover:underline">
                {webhook.name}
              </Link>
            </Td>
            <Td mono className="max-w-72 truncate text-muted" title={webhook.url}>
              {webhook.url}
            </Td>
            <Td className="text-muted">
              {webhook.events.length === 0 ? "all" : `${webhook.events.length} of ${webhookEvents.length}`}
            </Td>
            <Td>{webhook.format === "slack" ? "Slack" : "JSON"}</Td>
            <Td className="text-muted">
              {webhook.lastDelivery ? (
                <span className="inline-flex items-center gap-2">
                  <DeliveryStatusBadge status={webhook.lastDelivery.status} code={webhook.lastDelivery.statusCode} />
                  <TimeAgo date={webhook.lastDelivery.at} />
                </span>
              ) : (
                "never"
              )}
            </Td>
            <Td className="text-right">
              {webhook.enabled ? <Badge tone="success">enabled</Badge> : <Badge>disabled</Badge>}
            </Td>
          </Tr>
        ))}
      </TBody>
    </Table>
  );
}
