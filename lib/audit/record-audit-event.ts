import type { Prisma } from "@/lib/db/generated/client";
import type { Tx } from "@/lib/db/prisma";
import { auditHash, genesisHash } from "./audit-hash";
import { redactSecrets } from "./redact";
import { currentRequestContext } from "./request-context";

export interface AuditInput {
  action: string;
  targetType: string;
  targetId?: string | null;
  /** Typically `{ before, after }`; secret-looking keys are redacted before storing. */
  detail?: Record<string, unknown>;
}

/** Serialises appends so each event links to the one before it. */
const chainLockKey = 7_240_913;

/**
 * Appends an audit event inside the caller's transaction, so the event exists if and only if
 * the change does. Actor, IP and user agent come from the request context.
 */
export async function recordAuditEvent(tx: Tx, input: AuditInput): Promise<void> {
  const context = currentRequestContext();
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${chainLockKey})`;
  const last = await tx.auditEvent.findFirst({ orderBy: { id: "desc" }, select: { hash: true } });
  const fields = {
    prevHash: last?.hash ?? genesisHash,
    at: new Date(),
    actorId: context.actorId,
    actorLabel: context.actorLabel,
    action: input.action,
    targetType: input.targetType,
    targetId: input.targetId ?? null,
    detail: redactSecrets(input.detail ?? {}) as Prisma.InputJsonObject,
    ip: context.ip,
    userAgent: context.userAgent,
  };
  await tx.auditEvent.create({ data: { ...fields, hash: auditHash(fields) } });
}
