import type { AuditEventView } from "@/lib/audit/audit-event-view";

/** The stored detail of one event: before and after side by side, the rest below, then where it came from. */
export function AuditEventDetail({ event }: { event: AuditEventView }) {
  const detail = (event.detail && typeof event.detail === "object" ? event.detail : {}) as Record<string, unknown>;
  const { before, after, ...rest } = detail;
  return (
    <div className="mt-2 space-y-2 text-xs">
      {before !== undefined || after !== undefined ? (
        <div className="grid gap-2 sm:grid-cols-2">
          <JsonBlock label="Before" value={before} />
          <JsonBlock label="After" value={after} />
        </div>
      ) : null}
      {Object.keys(rest).length ? <JsonBlock label="Detail" value={rest} /> : null}
      <dl className="grid grid-cols-[6rem_minmax(0,1fr)] gap-x-2 gap-y-0.5 text-muted">
        <dt>Event</dt>
        <dd className="font-mono">#{event.id}</dd>
        <dt>From</dt>
        <dd className="break-all">{[event.ip, event.userAgent].filter(Boolean).join(" · ") || "—"}</dd>
        <dt>Hash</dt>
        <dd className="truncate font-mono" title={event.hash}>
          {event.hash}
        </dd>
      </dl>
    </div>
  );
}

function JsonBlock({ label, value }: { label: string; value: unknown }) {
  return (
    <div className="min-w-0 rounded-md border border-border bg-surface-muted">
      <div className="border-b border-border px-2 py-1 font-medium text-muted">{label}</div>
      <pre className="max-h-64 overflow-auto px-2 py-1.5 font-mono text-[12px] leading-relaxed whitespace-pre-wrap text-fg">
        {value === undefined ? "—" : JSON.stringify(value, null, 2)}
      </pre>
    </div>
  );
}
