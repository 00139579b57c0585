import type { AuditEventView } from "@/lib/audit/audit-event-view";
import { auditQueryString } from "@/lib/audit/audit-query";
import { AuditEventRows, type AuditTableRow } from "./audit-event-rows";

/**
 * Audit events as a table: time (UTC), actor, action, target, a readable summary, and the
 * full before/after detail behind a disclosure.
 *
 * The rows are rendered by a client component from plain row data: the page's flight payload
 * then carries each event once, as JSON, instead of the whole rendered table beside its HTML
 * (a page of 50 events was ~380 KB and the costliest render of the console under load), and
 * an event's detail is rendered when its disclosure opens.
 */
export function AuditEventsTable({ events, showTarget = true }: { events: AuditEventView[]; showTarget?: boolean }) {
  return <AuditEventRows rows={events.map(toAuditTableRow)} showTarget={showTarget} />;
}

function toAuditTableRow(event: AuditEventView): AuditTableRow {
  return {
    id: event.id,
    at: event.at,
    actorLabel: event.actorLabel,
    actorHref: `/audit?${auditQueryString({ actor: event.actorLabel })}`,
    action: event.action,
    actionHref: `/audit?${auditQueryString({ action: event.action })}`,
    targetType: event.targetType.replace(/_/g, " "),
    targetTypeHref: `/audit?${auditQueryString({ targetType: event.targetType, targetId: event.targetId })}`,
    targetId: event.targetId,
    targetLabel: event.targetLabel,
    targetHref: event.targetHref,
    summary: event.summary,
    detail: event.detail,
    from: [event.ip, event.userAgent].filter(Boolean).join(" · "),
    hash: event.hash,
  };
}
