import { beforeCommit } from "@/lib/db/before-commit";
import type { Tx } from "@/lib/db/prisma";
import { canonicalPieces, type HashedFields } from "./audit-hash";
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

type PendingEvent = Omit<HashedFields, "prevHash" | "at">;

/** The events each open transaction has recorded and will append when it ends. */
const pendingOf = new WeakMap<object, PendingEvent[]>();

/**
 * Records an audit event inside the caller's transaction, so the event exists if and only if
 * the change does. Actor, IP and user agent come from the request context, as it is now.
 *
 * The events are appended to the chain at the end of the transaction (beforeCommit): the
 * chain's lock then waits for the last statements only. Taken where the event was recorded,
 * every audited change held it across the rest of its work, and under load each statement of
 * that waits its turn in a busy process — 20 promotion requests at once queued every other
 * audited write, and the connections they held, behind each other. `immediately` appends now
 * (with any recorded before it), for a transaction whose later statements depend on the event
 * being in place.
 */
export async function recordAuditEvent(
  tx: Tx,
  input: AuditInput,
  options: { immediately?: boolean } = {},
): Promise<void> {
  const context = currentRequestContext();
  const event: PendingEvent = {
    actorId: context.actorId,
    actorLabel: context.actorLabel,
    action: input.action,
    targetType: input.targetType,
    targetId: input.targetId ?? null,
    detail: redactSecrets(input.detail ?? {}),
    ip: context.ip,
    userAgent: context.userAgent,
  };
  const pending = pendingOf.get(tx);
  if (pending) {
    pending.push(event);
    if (options.immediately) await appendToChain(tx, pending);
    return;
  }
  const events = [event];
  if (!options.immediately && beforeCommit(tx, "audit-chain", () => appendToChain(tx, events))) {
    pendingOf.set(tx, events);
    return;
  }
  await appendToChain(tx, events);
}

/**
 * Links the events to the newest one, in order, and empties the list: one statement
 * (gantry_append_audit_events, from the migration audit_append_in_one_statement) takes the
 * chain's lock, reads the newest hash, hashes each event and inserts it, so the lock waits only
 * for this transaction's COMMIT after it.
 */
async function appendToChain(tx: Tx, events: PendingEvent[]): Promise<void> {
  if (events.length === 0) return;
  const at = new Date();
  const rows = events.map((event) => ({ ...event, at: at.toISOString(), ...canonicalPieces({ ...event, at }) }));
  events.length = 0;
  await tx.$queryRaw`SELECT gantry_append_audit_events(${JSON.stringify(rows)}::jsonb, ${chainLockKey}) AS appended`;
}
