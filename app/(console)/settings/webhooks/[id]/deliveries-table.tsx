"use client";

import { useRouter } from "next/navigation";
import { useAction } from "@/components/hooks/use-action";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { FormError } from "@/components/ui/form-error";
import { Table, TBody, Td, Th, THead, Tr } from "@/components/ui/table";
import { TimeAgo } from "@/components/ui/time-ago";
import { redeliverWebhookDelivery } from "@/lib/actions/webhooks";
import type { WebhookDeliveryView } from "@/lib/webhooks/webhook-view";
import { DeliveryStatusBadge } from "../delivery-status-badge";

export function DeliveriesTable({
  webhookId,
  deliveries,
  canRedeliver,
}: {
  webhookId: string;
  deliveries: WebhookDeliveryView[];
  canRedeliver: boolean;
}) {
  const router = useRouter();
  const { run, pending, error } = useAction(redeliverWebhookDelivery);

  if (deliveries.length === 0) {
    return (
      <EmptyState
        className="m-4"
        title="Nothing delivered yet"
        description="Deliveries appear here when a promotion event happens, or when you send a test."
      />
    );
  }
  return (
    <div className="space-y-3">
      <FormError message={error} className="mx-4 mt-4" />
      <Table aria-busy={pending} containerClassName="rounded-none border-0" aria-label="Delivery log">
        <THead>
          <Tr>
            <Th>Time</Th>
            <Th>Event</Th>
            <Th>Status</Th>
            <Th numeric>Code</Th>
            <Th numeric>Attempts</Th>
            <Th numeric>Duration</Th>
            <Th>Error</Th>
            {canRedeliver ? <Th className="text-right">Redeliver</Th> : null}
          </Tr>
        </THead>
        <TBody>
          {deliveries.map((delivery) => (
            <Tr key={delivery.id} data-testid={`delivery-${delivery.id}`}>
              <Td className="whitespace-nowrap text-muted">
                <TimeAgo date={delivery.createdAt} />
              </Td>
              <Td mono>{delivery.event}</Td>
              <Td>
                <DeliveryStatusBadge status={delivery.status} code={null} />
                {delivery.nextAttemptAt ? (
                  <span className="ml-2 text-xs text-muted">
                    next <TimeAgo date={delivery.nextAttemptAt} />
                  </span>
                ) : null}
              </Td>
              <Td numeric className="font-mono">
                {delivery.lastStatusCode ?? "—"}
              </Td>
              <Td numeric>
                <AttemptList delivery={delivery} />
              </Td>
              <Td numeric>{delivery.durationMs === null ? "—" : `${delivery.durationMs} ms`}</Td>
              <Td className="max-w-96 text-xs break-words text-muted">{delivery.lastError ?? ""}</Td>
              {canRedeliver ? (
                <Td className="text-right">
                  <Button
                    size="sm"
                    disabled={pending}
                    onClick={() => run({ id: webhookId, deliveryId: delivery.id }, () => router.refresh())}
                  >
                    Redeliver
                  </Button>
                </Td>
              ) : null}
            </Tr>
          ))}
        </TBody>
      </Table>
    </div>
  );
}

/** The attempt count, opening to each attempt's time, answer and duration. */
function AttemptList({ delivery }: { delivery: WebhookDeliveryView }) {
  if (delivery.attemptLog.length === 0) return <>{delivery.attempts}</>;
  return (
    <details className="text-left">
      <summary className="cursor-pointer text-right">{delivery.attempts}</summary>
      <ol className="mt-1 space-y-0.5 text-xs whitespace-nowrap text-muted">
        {delivery.attemptLog.map((attempt) => (
          <li key={attempt.attempt}>
            #{attempt.attempt} <span className="font-mono">{attempt.statusCode ?? "no answer"}</span> ·{" "}
            {attempt.durationMs} ms · <TimeAgo date={attempt.at} />
          </li>
        ))}
      </ol>
    </details>
  );
}
