import type { AuditRow } from "./audit-sql";
import { describeAuditEvent } from "./describe-audit-event";

/** An audit event as pages, the JSON API and the export show it: plain JSON, no BigInt or Date. */
export interface AuditEventView {
  id: string;
  at: string;
  actorId: string | null;
  actorLabel: string;
  action: string;
  targetType: string;
  targetId: string | null;
  /** One readable line, e.g. `Updated registry "quay": approvalsRequired 0 → 1`. */
  summary: string;
  detail: unknown;
  ip: string | null;
  userAgent: string | null;
  prevHash: string;
  hash: string;
}

export function toAuditEventView(row: AuditRow): AuditEventView {
  return {
    id: String(row.id),
    at: row.at.toISOString(),
    actorId: row.actorId,
    actorLabel: row.actorLabel,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    summary: describeAuditEvent(row),
    detail: row.detail,
    ip: row.ip,
    userAgent: row.userAgent,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}
