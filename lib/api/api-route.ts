import "server-only";
import type { z } from "zod";
import { clientFromHeaders } from "@/lib/audit/request-context";
import { authenticateApiToken } from "@/lib/auth/api-tokens";
import { getCurrentUser } from "@/lib/auth/get-current-user";
import { isSessionCurrent } from "@/lib/auth/session-user";
import { can, permissions, type Permission } from "@/lib/auth/permissions";
import { runChange, type Caller, type ChangeDefinition } from "@/lib/change/run-change";
import { isUserError, userErrorFields } from "@/lib/change/errors";
import { log, scrubUrlCredentials } from "@/lib/log";
import { BodyRefusal, crossOriginRefusal, readJsonBody } from "./request-guards";

type Params = Record<string, string | string[] | undefined>;
type RouteContext = { params: Promise<Params> };

/** A read-only /api/v1 endpoint: resolves the caller, checks the permission, answers JSON (or the Response `read` gives). */
export function apiRead(definition: {
  permission: Permission;
  read(args: { caller: Caller; request: Request; params: Params }): Promise<unknown>;
}) {
  return async (request: Request, context: RouteContext): Promise<Response> => {
    const caller = await authorize(request, definition.permission);
    if (caller instanceof Response) return caller;
    try {
      const result = await definition.read({ caller, request, params: await context.params });
      return result instanceof Response ? result : json(result, 200);
    } catch (error) {
      return errorResponse(error);
    }
  };
}

/**
 * A state-changing /api/v1 endpoint over a change definition — the same permission check,
 * validation, transaction and audit as the console's server actions. `input` merges the
 * JSON body with the route's params.
 */
export function apiChange<S extends z.ZodType, T, P>(
  definition: ChangeDefinition<S, T, P>,
  options: { status?: number; input?: (body: unknown, params: Params) => unknown } = {},
) {
  return async (request: Request, context: RouteContext): Promise<Response> => {
    // Who is asking comes first: an unknown caller's body is never read.
    const caller = await resolveCaller(request);
    if (caller instanceof Response) return caller;
    if (!caller) return unauthenticated();
    const body = await readJsonBody(request);
    if (body instanceof BodyRefusal) return bodyRefused(body);
    const params = await context.params;
    const input = options.input ? options.input(body, params) : { ...(body as object), ...params };
    const result = await runChange(definition, caller, input, clientFromHeaders(request.headers));
    if (result.ok) return json(result.data, options.status ?? 200);
    return json(
      { error: { message: result.error, ...(result.fieldErrors ? { fields: result.fieldErrors } : {}) } },
      result.status,
    );
  };
}

/**
 * The caller of an /api/v1 request allowed `permission`, or the 401/403 answer to send
 * instead. apiRead uses it; so do routes that answer a stream rather than JSON.
 */
export async function authorize(request: Request, permission: Permission): Promise<Caller | Response> {
  const caller = await resolveCaller(request);
  if (caller instanceof Response) return caller;
  if (!caller) return unauthenticated();
  if (!can(caller.role, permission)) {
    return json(
      {
        error: { message: `Your role (${caller.role}) cannot do this: it needs ${permissions[permission]} or above.` },
      },
      403,
    );
  }
  return caller;
}

/**
 * The caller of an /api/v1 request: a Bearer token's user, the session's user, null when
 * neither, or the answer to send instead (an unknown token, a cross-site change with the cookie).
 */
export async function resolveCaller(request: Request): Promise<Caller | null | Response> {
  const authorization = request.headers.get("authorization");
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    const caller = match ? await authenticateApiToken(match[1]!) : null;
    return caller ?? json({ error: { message: "The API token is unknown, expired or revoked." } }, 401);
  }
  // No cookie, no session: nothing to look up.
  if (!request.headers.has("cookie")) return null;
  const crossOrigin = crossOriginRefusal(request);
  if (crossOrigin)
    return json({ error: { message: crossOrigin, fields: { origin: "expected the console's own origin" } } }, 403);
  const user = await getCurrentUser();
  return user && { userId: user.id, email: user.email, role: user.role };
}

/**
 * For an answer that outlives its request (an event stream): a check that stays true only while
 * the request's credential does — the Bearer token is still unrevoked and unexpired, or the
 * session has not been ended — and its user is enabled. Call it after `authorize`.
 */
export async function callerRecheck(request: Request): Promise<() => Promise<boolean>> {
  const token = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "")?.[1];
  if (token) return async () => Boolean(await authenticateApiToken(token));
  const user = await getCurrentUser();
  return async () => Boolean(user && (await isSessionCurrent(user.id, user.sessionVersion)));
}

/** The JSON body of a request, or the 400/413/415 answer to send instead. */
export async function jsonBodyOrResponse(request: Request): Promise<unknown> {
  const body = await readJsonBody(request);
  return body instanceof BodyRefusal ? bodyRefused(body) : body;
}

function bodyRefused(refusal: BodyRefusal): Response {
  return json(
    { error: { message: refusal.message, fields: { body: `expected ${refusal.expected}` } } },
    refusal.status,
  );
}

function unauthenticated(): Response {
  return json({ error: { message: "Authenticate with `Authorization: Bearer <token>` or a session." } }, 401);
}

function errorResponse(error: unknown): Response {
  if (isUserError(error)) {
    const fields = userErrorFields(error);
    return json({ error: { message: error.message, ...(fields ? { fields } : {}) } }, error.status);
  }
  log.error({ err: { message: scrubUrlCredentials(String((error as Error)?.message ?? error)) } }, "api read failed");
  return json({ error: { message: "Something went wrong on our side." } }, 500);
}

/** JSON with BigInt sizes as numbers (byte counts stay far below 2^53). */
export function json(body: unknown, status: number): Response {
  return new Response(
    JSON.stringify(body, (_key, value) => (typeof value === "bigint" ? Number(value) : value)),
    {
      status,
      headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
    },
  );
}
