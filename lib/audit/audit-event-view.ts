import type { AuditRow } from "./audit-sql";
import type { AuditTargetLabel } from "./audit-target-labels";
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
  /** The target as a person knows it (release tag and registry, a name, an e-mail); null once it is gone. */
  targetLabel: string | null;
  /** The target's page in the console, when it has one. */
  targetHref: string | null;
  /** One readable line, e.g. `Updated registry "quay": approvalsRequired 0 → 1`. */
  summary: string;
  detail: unknown;
  ip: string | null;
  userAgent: string | null;
  prevHash: string;
  hash: string;
}

export function toAuditEventView(row: AuditRow, labels?: Map<string, AuditTargetLabel>): AuditEventView {
  const target = row.targetId ? labels?.get(`${row.targetType}:${row.targetId}`) : undefined;
  return {
    id: String(row.id),
    at: row.at.toISOString(),
    actorId: row.actorId,
    actorLabel: row.actorLabel,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    targetLabel: target?.label ?? null,
    targetHref: target?.href ?? null,
    summary: describeAuditEvent({ ...row, targetLabel: target?.label }),
    detail: row.detail,
    ip: row.ip,
    userAgent: row.userAgent,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}
