import { AsyncLocalStorage } from "node:async_hooks";
import { clientAddressHeader } from "@/lib/http/client-address";

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

/**
 * The client's address and agent from request headers. The address is only the one Gantry's
 * web server stamped (lib/http/client-address.ts decides it from the socket and
 * GANTRY_TRUSTED_PROXIES); never X-Forwarded-For as a client sent it.
 */
export function clientFromHeaders(headers: Headers): { ip: string | null; userAgent: string | null } {
  return {
    ip: headers.get(clientAddressHeader) || null,
    userAgent: headers.get("user-agent")?.slice(0, 400) ?? null,
  };
}
