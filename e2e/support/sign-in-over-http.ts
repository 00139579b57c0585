import type { APIRequestContext } from "@playwright/test";
import { api } from "./api";
import type { Credentials } from "./gantry-server";

export interface Attempt {
  ok: boolean;
  error: string | null;
  cookies: string[];
  ms: number;
}

/**
 * The sign-in form's request, by hand: CSRF token and cookie, then the credentials callback (as
 * the browser posts it). `headers` go on the callback, e.g. a forged X-Forwarded-For.
 */
export async function signInOverHttp(
  baseURL: string,
  credentials: Credentials,
  headers: Record<string, string> = {},
): Promise<Attempt> {
  const csrf = await fetch(`${baseURL}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookie = csrf.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const started = Date.now();
  const response = await fetch(`${baseURL}/api/auth/callback/password`, {
    method: "POST",
    redirect: "manual",
    headers: { ...headers, "content-type": "application/x-www-form-urlencoded", cookie },
    body: new URLSearchParams({
      email: credentials.email,
      password: credentials.password,
      csrfToken,
      json: "true",
      callbackUrl: "/releases",
    }),
  });
  const ms = Date.now() - started;
  const { url } = (await response.json()) as { url: string };
  const error = new URL(url, baseURL).searchParams.get("error");
  const cookies = response.headers.getSetCookie();
  return { ok: !error && cookies.some((c) => c.includes("session-token=")), error, cookies, ms };
}

/** The addresses the audit trail recorded for an account's sign-ins (newest first), read as an admin. */
export async function signInAddresses(request: APIRequestContext, adminToken: string, email: string) {
  const { json } = await api<{ events: { action: string; actorLabel: string; ip: string | null }[] }>(
    request,
    "GET",
    `/api/v1/audit?action=auth.&actor=${encodeURIComponent(email)}&limit=100`,
    adminToken,
  );
  return json.events.filter((e) => e.actorLabel === email).map((e) => ({ action: e.action, ip: e.ip }));
}
