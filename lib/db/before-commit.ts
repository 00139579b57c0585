import type { PrismaClient } from "./generated/client";
import type { Tx } from "./prisma";

type Hook = (tx: Tx) => Promise<void>;

/** The hooks of each open interactive transaction that Gantry's clients began. */
const hooksOf = new WeakMap<object, Map<string, Hook>>();

/**
 * Runs `hook` once (per `key`) at the end of `tx`: after the transaction's own work, before it
 * commits, inside it — a hook that throws rolls the whole transaction back. For work that
 * takes a lock other transactions queue on (the audit chain's), so the lock is held for the
 * last statements only, not across everything the transaction does after asking for it.
 * Returns false when `tx` is not an interactive transaction of a client made by createClient;
 * the caller then does the work at once.
 */
export function beforeCommit(tx: Tx, key: string, hook: Hook): boolean {
  const hooks = hooksOf.get(tx);
  if (!hooks) return false;
  if (!hooks.has(key)) hooks.set(key, hook);
  return true;
}

/** The client with its interactive `$transaction` running beforeCommit hooks; the array form is as it was. */
export function withCommitHooks(client: PrismaClient): PrismaClient {
  const begin = client.$transaction.bind(client) as (arg: unknown, options?: unknown) => Promise<unknown>;
  const $transaction = (arg: unknown, options?: unknown) => {
    if (typeof arg !== "function") return begin(arg, options);
    return begin(async (tx: Tx) => {
      const hooks = new Map<string, Hook>();
      hooksOf.set(tx, hooks);
      const result = await (arg as (tx: Tx) => Promise<unknown>)(tx);
      for (const hook of hooks.values()) await hook(tx);
      return result;
    }, options);
  };
  return Object.assign(client, { $transaction: $transaction as PrismaClient["$transaction"] });
}
