import { createRequire } from "node:module";
import path from "node:path";

export type AuthCookie = {
  name: string;
  value: string;
  options: { httpOnly?: boolean; secure?: boolean; sameSite?: string; path?: string };
};

export type AuthAnswer = { status?: number; cookies?: AuthCookie[]; body?: unknown; redirect?: string };

// next-auth's request handler, which its Next.js route calls; the package does not export it by name.
const { AuthHandler } = createRequire(import.meta.url)(
  path.join(process.cwd(), "node_modules", "next-auth", "core", "index.js"),
) as { AuthHandler: (params: { req: Request; options: unknown }) => Promise<AuthAnswer> };

/** One request to next-auth's `/api/auth/<path>` with Gantry's own authOptions, as its route makes it. */
export async function nextAuthRequest(
  origin: string,
  path: string,
  init: { method?: string; cookies?: AuthCookie[]; form?: Record<string, string> } = {},
): Promise<AuthAnswer> {
  const { authOptions } = await import("@/lib/auth/auth-options");
  const url = new URL(`/api/auth/${path}`, origin);
  const headers: Record<string, string> = { host: url.host, "x-forwarded-proto": url.protocol.replace(":", "") };
  if (init.cookies?.length) headers.cookie = init.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
  // next-auth reads a Web Request's body as JSON (its Next.js route turns the form into that).
  if (init.form) headers["content-type"] = "application/json";
  const request = new Request(url, {
    method: init.method ?? "GET",
    headers,
    body: init.form ? JSON.stringify(init.form) : undefined,
  });
  return AuthHandler({ req: request, options: authOptions });
}

/** Signs in with a password through next-auth: the session cookie it sets, or undefined. */
export async function passwordSignIn(
  origin: string,
  credentials: { email: string; password: string },
): Promise<AuthCookie | undefined> {
  const csrf = await nextAuthRequest(origin, "csrf");
  const { csrfToken } = csrf.body as { csrfToken: string };
  const signedIn = await nextAuthRequest(origin, "callback/password", {
    method: "POST",
    cookies: csrf.cookies,
    form: { ...credentials, csrfToken, callbackUrl: `${origin}/releases`, json: "true" },
  });
  return signedIn.cookies?.find((c) => c.name.endsWith("next-auth.session-token") && c.value);
}
