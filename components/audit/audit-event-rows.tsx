"use client";

import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { Table, TBody, Td, Th, THead, Tr } from "@/components/ui/table";

/** One audit event as the table shows it; links already built on the server. */
export interface AuditTableRow {
  id: string;
  at: string;
  actorLabel: string;
  actorHref: string;
  action: string;
  actionHref: string;
  /** In words ("api token", not "api_token"). */
  targetType: string;
  targetTypeHref: string;
  targetId: string | null;
  targetLabel: string | null;
  targetHref: string | null;
  summary: string;
  detail: unknown;
  /** Address and user agent, joined. */
  from: string;
  hash: string;
}

export function AuditEventRows({ rows, showTarget }: { rows: AuditTableRow[]; showTarget: boolean }) {
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
        {rows.map((row) => (
          <Tr key={row.id} data-testid={`audit-row-${row.id}`} className="align-top">
            <Td mono className="align-top text-muted">
              <time dateTime={row.at} title={`event #${row.id}`}>
                {row.at.slice(0, 19).replace("T", " ")}
              </time>
            </Td>
            <Td className="max-w-56 align-top">
              <Link
                href={row.actorHref}
                className="break-words hover:text-accent hover:underline"
                title={row.actorLabel}
              >
                <WrapAtSign text={row.actorLabel} />
              </Link>
            </Td>
            <Td mono className="align-top">
              <Link href={row.actionHref} className="hover:text-accent hover:underline">
                {row.action}
              </Link>
            </Td>
            {showTarget ? (
              // Wide enough for "channel tag → registry" on two lines at most, wrapping between words.
              <Td className="w-72 min-w-64 align-top">
                <Link
                  href={row.targetTypeHref}
                  className="text-muted hover:text-accent hover:underline"
                  title={`Every event of this ${row.targetType}`}
                >
                  {row.targetType}
                </Link>
                {row.targetLabel && row.targetHref ? (
                  <Link
                    href={row.targetHref}
                    className="block break-words hover:text-accent hover:underline"
                    data-testid="audit-target-link"
                  >
                    <WrapAtSign text={row.targetLabel} />
                  </Link>
                ) : row.targetLabel ? (
                  <span className="block break-words">
                    <WrapAtSign text={row.targetLabel} />
                  </span>
                ) : row.targetId ? (
                  <span className="block truncate font-mono text-xs" title={row.targetId}>
                    {row.targetId}
                  </span>
                ) : null}
              </Td>
            ) : null}
            <Td className="min-w-72 py-2 align-top">
              <EventDisclosure row={row} />
            </Td>
          </Tr>
        ))}
      </TBody>
    </Table>
  );
}

/**
 * The summary, and the event's stored detail once it is opened: a page of events carries the
 * detail as data, not as 50 rendered blocks nobody opened. A disclosure opened before the
 * page hydrated is noticed when it does.
 */
function EventDisclosure({ row }: { row: AuditTableRow }) {
  const ref = useRef<HTMLDetailsElement>(null);
  const [open, setOpen] = useState(false);
  useEffect(() => setOpen(ref.current?.open ?? false), []);
  return (
    <details ref={ref} className="group" onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary className="cursor-pointer list-none text-fg marker:hidden [&::-webkit-details-marker]:hidden">
        <span className="mr-1.5 inline-block text-muted transition-transform group-open:rotate-90">›</span>
        {row.summary}
      </summary>
      {open ? <AuditEventDetail row={row} /> : null}
    </details>
  );
}

/** The stored detail of one event: before and after side by side, the rest below, then where it came from. */
function AuditEventDetail({ row }: { row: AuditTableRow }) {
  const detail = (row.detail && typeof row.detail === "object" ? row.detail : {}) as Record<string, unknown>;
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
        <dd className="font-mono">#{row.id}</dd>
        <dt>From</dt>
        <dd className="break-all">{row.from || "—"}</dd>
        <dt>Hash</dt>
        <dd className="truncate font-mono" title={row.hash}>
          {row.hash}
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
