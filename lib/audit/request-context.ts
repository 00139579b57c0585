import { AsyncLocalStorage } from "node:async_hooks";

/** Who is acting and from where, carried once per request instead of passed by hand. */
export interface RequestContext {
  actorId: string | null;
  /** An email, "token:<name> (<email>)", "cli", or "system". */
  actorLabel: string;
  ip: string | null;
  userAgent: string | null;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentRequestContext(): RequestContext {
  return storage.getStore() ?? { actorId: null, actorLabel: "system", ip: null, userAgent: null };
}

/** The client's address and agent from request headers (the first X-Forwarded-For hop when proxied). */
export function clientFromHeaders(headers: Headers): { ip: string | null; userAgent: string | null } {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return {
    ip: forwarded || headers.get("x-real-ip") || null,
    userAgent: headers.get("user-agent")?.slice(0, 400) ?? null,
  };
}
