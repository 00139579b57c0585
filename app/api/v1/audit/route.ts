import { apiRead } from "@/lib/api/api-route";
import { auditQueryFromParams } from "@/lib/audit/audit-query";
import { listAuditEvents } from "@/lib/audit/list-audit-events";

/** `GET /api/v1/audit?actor&action&targetType&targetId&from&to&text&cursor&limit` → `{ events, nextCursor, prevCursor }`. */
export const GET = apiRead({
  permission: "audit.read",
  read: ({ request }) => listAuditEvents(auditQueryFromParams(new URL(request.url).searchParams)),
});
