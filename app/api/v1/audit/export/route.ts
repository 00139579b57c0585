import { isUserError, userErrorFields } from "@/lib/change/errors";
import { authorize, json } from "@/lib/api/api-route";
import { auditQueryFromParams, parseAuditQuery } from "@/lib/audit/audit-query";
import { auditExportFormats, auditExportStream, type AuditExportFormat } from "@/lib/audit/export-audit-events";

const contentTypes: Record<AuditExportFormat, string> = {
  csv: "text/csv; charset=utf-8",
  jsonl: "application/x-ndjson; charset=utf-8",
};

/**
 * `GET /api/v1/audit/export?format=csv|jsonl&<filters of GET /api/v1/audit>`: every matching
 * event, newest first, streamed as it is read (session or Bearer token, "audit.read").
 */
export async function GET(request: Request): Promise<Response> {
  const denied = await authorize(request, "audit.read");
  if (denied instanceof Response) return denied;

  const params = new URL(request.url).searchParams;
  const format = params.get("format") || "csv";
  if (!(auditExportFormats as readonly string[]).includes(format)) {
    return json(
      { error: { message: "format: must be csv or jsonl", fields: { format: "must be csv or jsonl" } } },
      400,
    );
  }
  let filters;
  try {
    const {
      cursor: _cursor,
      limit: _limit,
      ...rest
    } = parseAuditQuery({ ...auditQueryFromParams(params), cursor: undefined, limit: undefined });
    filters = rest;
  } catch (error) {
    if (!isUserError(error)) throw error;
    const fields = userErrorFields(error);
    return json({ error: { message: error.message, ...(fields ? { fields } : {}) } }, error.status);
  }
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return new Response(auditExportStream(filters, format as AuditExportFormat), {
    headers: {
      "content-type": contentTypes[format as AuditExportFormat],
      "content-disposition": `attachment; filename="gantry-audit-${stamp}.${format}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
