import Link from "next/link";
import { Table, TBody, Td, Th, THead, Tr } from "@/components/ui/table";
import type { AuditEventView } from "@/lib/audit/audit-event-view";
import { auditQueryString } from "@/lib/audit/audit-query";
import { AuditEventDetail } from "./audit-event-detail";

/**
 * Audit events as a table: time (UTC), actor, action, target, a readable summary, and the
 * full before/after detail behind a disclosure (no client script needed).
 */
export function AuditEventsTable({ events, showTarget = true }: { events: AuditEventView[]; showTarget?: boolean }) {
  return (
    <Table>
      <THead>
        <Tr>
          <Th>Time (UTC)</Th>
          <Th>Actor</Th>
          <Th>Action</Th>
          {showTarget ? <Th>Target</Th> : null}
          <Th>What happened</Th>
        </Tr>
      </THead>
      <TBody>
        {events.map((event) => (
          <Tr key={event.id} data-testid={`audit-row-${event.id}`} className="align-top">
            <Td mono className="align-top text-muted">
              <time dateTime={event.at} title={`event #${event.id}`}>
                {event.at.slice(0, 19).replace("T", " ")}
              </time>
            </Td>
            <Td className="max-w-56 align-top">
              <Link
                href={`/audit?${auditQueryString({ actor: event.actorLabel })}`}
                className="break-words hover:text-accent hover:underline"
                title={event.actorLabel}
              >
                <WrapAtSign text={event.actorLabel} />
              </Link>
            </Td>
            <Td mono className="align-top">
              <Link
                href={`/audit?${auditQueryString({ action: event.action })}`}
                className="hover:text-accent hover:underline"
              >
                {event.action}
              </Link>
            </Td>
            {showTarget ? (
              // Wide enough for "channel tag → registry" on two lines at most, wrapping between words.
              <Td className="w-72 min-w-64 align-top">
                <Link
                  href={`/audit?${auditQueryString({ targetType: event.targetType, targetId: event.targetId })}`}
                  className="text-muted hover:text-accent hover:underline"
                  title={`Every event of this ${event.targetType.replace(/_/g, " ")}`}
                >
                  {event.targetType.replace(/_/g, " ")}
                </Link>
                {event.targetLabel && event.targetHref ? (
                  <Link
                    href={event.targetHref}
                    className="block break-words hover:text-accent hover:underline"
                    data-testid="audit-target-link"
                  >
                    <WrapAtSign text={event.targetLabel} />
                  </Link>
                ) : event.targetLabel ? (
                  <span className="block break-words">
                    <WrapAtSign text={event.targetLabel} />
                  </span>
                ) : event.targetId ? (
                  <span className="block truncate font-mono text-xs" title={event.targetId}>
                    {event.targetId}
                  </span>
                ) : null}
              </Td>
            ) : null}
            <Td className="min-w-72 py-2 align-top">
              <details className="group">
                <summary className="cursor-pointer list-none text-fg marker:hidden [&::-webkit-details-marker]:hidden">
                  <span className="mr-1.5 inline-block text-muted transition-transform group-open:rotate-90">›</span>
                  {event.summary}
                </summary>
                <AuditEventDetail event={event} />
              </details>
            </Td>
          </Tr>
        ))}
      </TBody>
    </Table>
  );
}

/** Lets an e-mail wrap before its "@" rather than in the middle of a word. */
function WrapAtSign({ text }: { text: string }) {
  const at = text.indexOf("@");
  if (at <= 0) return text;
  return (
    <>
      {text.slice(0, at)}
      <wbr />
      {text.slice(at)}
    </>
  );
}
