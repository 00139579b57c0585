import Link from "next/link";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { getCurrentUser } from "@/lib/auth/get-current-user";
import { can } from "@/lib/auth/permissions";
import { auditQueryString } from "@/lib/audit/audit-query";
import { listAuditEvents } from "@/lib/audit/list-audit-events";
import { AuditEventsTable } from "./audit-events-table";

type AuditHistoryProps = {
  /** The audited thing, as events record it: e.g. "registry", "promotion", "release". */
  targetType: string;
  targetId: string;
  /** How many of the newest events to show before "View all". */
  limit?: number;
  title?: string;
};

/**
 * The newest audit events of one thing, for a "History" tab or card on its page. A server
 * component: it checks "audit.read" itself and renders nothing for a caller without it.
 */
export async function AuditHistory({ targetType, targetId, limit = 10, title = "History" }: AuditHistoryProps) {
  const user = await getCurrentUser();
  if (!user || !can(user.role, "audit.read")) return null;
  const page = await listAuditEvents({ targetType, targetId, limit });
  const all = `/audit?${auditQueryString({ targetType, targetId })}`;
  return (
    <Card data-testid="audit-history">
      <CardHeader
        title={title}
        description="Every change to this, from the audit trail."
        actions={
          page.events.length ? (
            <Link href={all} className="text-sm text-accent hover:underline">
              {page.nextCursor ? "View all" : "Open in Audit"}
            </Link>
          ) : null
        }
      />
      <CardBody className={page.events.length ? "p-0 [&>div]:rounded-none [&>div]:border-0" : undefined}>
        {page.events.length ? (
          <AuditEventsTable events={page.events} showTarget={false} />
        ) : (
          <p className="text-sm text-muted">No events recorded yet.</p>
        )}
      </CardBody>
    </Card>
  );
}
