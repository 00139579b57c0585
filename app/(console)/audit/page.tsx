import type { Metadata } from "next";
import Link from "next/link";
import { AuditEventsTable } from "@/components/audit/audit-events-table";
import { AuditFilterForm, type AuditFilterValues } from "@/components/audit/audit-filter-form";
import { AuditPager } from "@/components/audit/audit-pager";
import { ForbiddenNotice } from "@/components/forbidden-notice";
import { buttonStyles } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { FormError } from "@/components/ui/form-error";
import { AuditIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { isUserError } from "@/lib/change/errors";
import { auditQueryFromParams, auditQueryString } from "@/lib/audit/audit-query";
import { listAuditEvents, type AuditPage } from "@/lib/audit/list-audit-events";
import { requireUser } from "@/lib/auth/get-current-user";
import { can } from "@/lib/auth/permissions";

export const metadata: Metadata = { title: "Audit" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function AuditPage({ searchParams }: { searchParams: SearchParams }) {
  const user = await requireUser();
  if (!can(user.role, "audit.read")) return <ForbiddenNotice permission="audit.read" />;
  const raw = auditQueryFromParams(await searchParams);
  const { cursor: _cursor, limit: _limit, ...filters } = raw;
  const filtered = Object.values(filters).some(Boolean);

  let page: AuditPage = { events: [], nextCursor: null, prevCursor: null };
  let error: { message: string; field?: string } | null = null;
  try {
    page = await listAuditEvents(raw);
  } catch (e) {
    if (!isUserError(e)) throw e;
    error = { message: e.message, field: e.field };
  }

  return (
    <>
      <PageHeader
        title="Audit"
        description="Who did what, to which thing, when and from where. Append-only and hash-chained."
        actions={
          <>
            <a
              href={`/api/v1/audit/export?${auditQueryString({ ...filters, format: "csv" })}`}
              className={buttonStyles()}
              download
            >
              Export CSV
            </a>
            <a
              href={`/api/v1/audit/export?${auditQueryString({ ...filters, format: "jsonl" })}`}
              className={buttonStyles()}
              download
            >
              Export JSON Lines
            </a>
            {can(user.role, "audit.verify") ? (
              <Link href="/audit/verify" className={buttonStyles()}>
                Verify &amp; retention
              </Link>
            ) : null}
          </>
        }
      />
      <div className="space-y-4">
        <AuditFilterForm
          values={filters as AuditFilterValues}
          fieldErrors={error?.field ? { [error.field]: error.message } : {}}
        />
        <FormError message={error?.message} title="These filters can't be used" />
        {page.events.length ? (
          <>
            <AuditEventsTable events={page.events} />
            <AuditPager
              filters={{ ...filters, limit: raw.limit }}
              prevCursor={page.prevCursor}
              nextCursor={page.nextCursor}
            />
          </>
        ) : error ? null : (
          <EmptyState
            icon={<AuditIcon />}
            title={filtered ? "No events match these filters" : "No events yet"}
            description={
              filtered
                ? "Widen the time range or clear a filter."
                : "Connecting a registry, requesting a promotion or deciding on one records an event here."
            }
            action={
              filtered ? (
                <Link href="/audit" className={buttonStyles()}>
                  Clear filters
                </Link>
              ) : null
            }
          />
        )}
      </div>
    </>
  );
}
