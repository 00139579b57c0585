import crypto from "node:crypto";
import type { z } from "zod";
import { recordAuditEvent, type AuditInput } from "@/lib/audit/record-audit-event";
import { runWithRequestContext, type RequestContext } from "@/lib/audit/request-context";
import { can, permissions, type Permission } from "@/lib/auth/permissions";
import type { Role } from "@/lib/auth/roles";
import { db, type Tx } from "@/lib/db/prisma";
import { log, scrubUrlCredentials } from "@/lib/log";
import { isUserError, PermissionError, userErrorFields } from "./errors";

/** Whoever is calling: a signed-in user, or an API token acting with its role. */
export interface Caller {
  /** null for the machine's operator at the command line (`bin/gantry`). */
  userId: string | null;
  email: string;
  role: Role;
  /** Set when the call came with an API token. */
  tokenName?: string;
}

export type ChangeFailure = { ok: false; error: string; status: number; fieldErrors?: Record<string, string> };

export type ChangeResult<T> = { ok: true; data: T } | ChangeFailure;

export interface ChangeDefinition<S extends z.ZodType, T, P = undefined> {
  /** The permission the caller needs, from the one permission table. */
  permission: Permission;
  schema: S;
  /**
   * Slow work the change depends on, such as asking a registry, run after the permission
   * check and validation but before the transaction opens, so no transaction (and no pooled
   * connection) is held while the network answers. Its result reaches `run` as `prepared`.
   */
  prepare?(args: { input: z.output<S>; caller: Caller }): Promise<P>;
  /**
   * The change, inside one transaction. It must call `audit` at least once: an audit
   * event is written in the same transaction as the change it records.
   */
  run(args: {
    input: z.output<S>;
    caller: Caller;
    tx: Tx;
    audit: (event: AuditInput) => Promise<void>;
    prepared: P;
  }): Promise<T>;
}

/**
 * The one way state changes: check the caller's permission, validate the input, run the
 * change and its audit events in one transaction, and turn errors into messages that are
 * safe to show. Server actions and /api/v1 routes both go through here.
 */
export async function runChange<S extends z.ZodType, T, P = undefined>(
  definition: ChangeDefinition<S, T, P>,
  caller: Caller | null,
  rawInput: unknown,
  client: { ip: string | null; userAgent: string | null },
): Promise<ChangeResult<T>> {
  const admitted = admit(definition, caller, rawInput);
  if (!admitted.ok) return admitted;
  const { input, caller: who } = admitted;

  const context: RequestContext = {
    actorId: who.userId,
    actorLabel: who.tokenName ? `token:${who.tokenName} (${who.email})` : who.email,
    ...client,
  };
  try {
    const data = await runWithRequestContext(context, async () => {
      // Without `prepare`, P is undefined (its default), so `undefined` is the right value.
      const prepared = definition.prepare ? await definition.prepare({ input, caller: who }) : (undefined as P);
      return db().$transaction(async (tx) => {
        let audited = 0;
        const audit = async (event: AuditInput) => {
          audited += 1;
          await recordAuditEvent(tx, event);
        };
        const result = await definition.run({ input, caller: who, tx, audit, prepared });
        if (audited === 0) throw new Error(`a change under "${definition.permission}" wrote no audit event`);
        return result;
      }, transactionLimits);
    });
    return { ok: true, data };
  } catch (error) {
    return changeFailure(error, { permission: definition.permission });
  }
}

/** A read on the same rails as a change (permission, validation, safe errors), writing nothing. */
export interface QueryDefinition<S extends z.ZodType, T> {
  permission: Permission;
  schema: S;
  run(args: { input: z.output<S>; caller: Caller; signal?: AbortSignal }): Promise<T>;
}

/** runChange for a read: no transaction, no audit event, the same gate and error mapping. */
export async function runQuery<S extends z.ZodType, T>(
  definition: QueryDefinition<S, T>,
  caller: Caller | null,
  rawInput: unknown,
  options: { signal?: AbortSignal } = {},
): Promise<ChangeResult<T>> {
  const admitted = admit(definition, caller, rawInput);
  if (!admitted.ok) return admitted;
  try {
    return { ok: true, data: await definition.run({ input: admitted.input, caller: admitted.caller, ...options }) };
  } catch (error) {
    return changeFailure(error, { permission: definition.permission });
  }
}

/**
 * An error as the caller may see it: a UserError as written (with its field), anything else
 * as a generic message with a reference, its details only in the server's log.
 */
export function changeFailure(error: unknown, context: Record<string, unknown> = {}): ChangeFailure {
  if (isUserError(error)) {
    const fieldErrors = userErrorFields(error);
    return { ok: false, error: error.message, status: error.status, ...(fieldErrors ? { fieldErrors } : {}) };
  }
  const reference = crypto.randomUUID().slice(0, 8);
  log.error(
    {
      err: { message: scrubUrlCredentials(String((error as Error)?.message ?? error)), stack: (error as Error)?.stack },
      reference,
      ...context,
    },
    "change failed",
  );
  return {
    ok: false,
    status: 500,
    error: `Something went wrong on our side (reference ${reference}). Nothing was changed.`,
  };
}

/** The caller may do this, and the input is valid: its parsed form; else why not. */
function admit<S extends z.ZodType>(
  definition: { permission: Permission; schema: S },
  caller: Caller | null,
  rawInput: unknown,
):
  | { ok: true; input: z.output<S>; caller: Caller }
  | { ok: false; error: string; status: number; fieldErrors?: Record<string, string> } {
  if (!caller) return { ok: false, error: "Sign in to continue.", status: 401 };
  if (!can(caller.role, definition.permission)) return { ok: false, ...denied(caller.role, definition.permission) };
  const parsed = definition.schema.safeParse(rawInput);
  if (!parsed.success) return { ok: false, status: 400, ...describeIssues(parsed.error) };
  // Postgres text cannot hold NUL: it would fail inside the transaction as a 500.
  const nul = nulField(parsed.data);
  if (nul !== undefined)
    return {
      ok: false,
      status: 400,
      error: `Invalid input — ${nul}: must not contain a NUL character`,
      fieldErrors: { [nul]: "must not contain a NUL character" },
    };
  return { ok: true, input: parsed.data, caller };
}

/**
 * Prisma's defaults (2 s to get a connection, 5 s in all) fail changes on a busy machine;
 * slow work belongs in `prepare`, so these only bound a stuck transaction.
 */
const transactionLimits = { maxWait: 10_000, timeout: 30_000 };

function denied(role: Role, permission: Permission): { error: string; status: number } {
  const error = new PermissionError(
    `Your role (${role}) cannot do this: it needs ${permissions[permission]} or above.`,
  );
  return { error: error.message, status: error.status };
}

/** The path of the first string holding a NUL character (U+0000), or undefined. */
export function nulField(value: unknown, path: string[] = []): string | undefined {
  if (typeof value === "string") return value.includes("\u0000") ? path.join(".") || "input" : undefined;
  if (typeof value !== "object" || value === null || path.length > 8) return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const found = nulField(inner, [...path, key]);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Zod issues → one message per field, and a summary naming the fields. */
export function describeIssues(error: z.ZodError): { error: string; fieldErrors: Record<string, string> } {
  const fieldErrors: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = issue.path.length > 0 ? issue.path.join(".") : "input";
    fieldErrors[field] ??= issue.message;
  }
  const summary = Object.entries(fieldErrors)
    .map(([field, message]) => `${field}: ${message}`)
    .join("; ");
  return { error: `Invalid input — ${summary}`, fieldErrors };
}
