import crypto from "node:crypto";
import { createRequire } from "node:module";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { setupTestDatabase } from "@/test/support/database";
import { proofLog } from "./support/proof-results";

// `gantry start` passes GANTRY_URL on as NEXTAUTH_URL (cli/commands/start.ts). Behind TLS the
// session cookie must be Secure: the password sign-in, through next-auth with Gantry's own
// authOptions, against a real database. (The e2e install must announce its localhost URL, so
// it cannot run with an https GANTRY_URL; e2e/security.spec.ts checks the http flags.)
process.env.NEXTAUTH_URL = "https://gantry.proof.test";
process.env.NEXTAUTH_SECRET = crypto.randomBytes(32).toString("base64");
const database = setupTestDatabase();
const proof = proofLog("session-cookie");
afterAll(() => proof.write());
const password = "proof-cookie-password-1";
// next-auth's request handler, which its Next.js route calls; the package does not export it by name.
const { AuthHandler } = createRequire(import.meta.url)(
  path.join(process.cwd(), "node_modules", "next-auth", "core", "index.js"),
) as { AuthHandler: (params: { req: Request; options: unknown }) => Promise<unknown> };

beforeAll(async () => {
  await database
    .db()
    .user.create({ data: { email: "cookie@example.com", role: "viewer", passwordHash: await hashPassword(password) } });
});

type Cookie = {
  name: string;
  value: string;
  options: { httpOnly?: boolean; secure?: boolean; sameSite?: string; path?: string };
};

async function auth(path: string, init: { method?: string; cookies?: Cookie[]; form?: Record<string, string> } = {}) {
  const { authOptions } = await import("@/lib/auth/auth-options");
  const headers: Record<string, string> = { host: "gantry.proof.test", "x-forwarded-proto": "https" };
  if (init.cookies?.length) headers.cookie = init.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
  // next-auth reads a Web Request's body as JSON (its Next.js route turns the form into that).
  if (init.form) headers["content-type"] = "application/json";
  const request = new Request(`https://gantry.proof.test/api/auth/${path}`, {
    method: init.method ?? "GET",
    headers,
    body: init.form ? JSON.stringify(init.form) : undefined,
  });
  return (await AuthHandler({ req: request, options: authOptions })) as {
    status?: number;
    cookies?: Cookie[];
    body?: unknown;
    redirect?: string;
  };
}

describe("session cookie with an https GANTRY_URL", () => {
  it("is __Secure-, Secure, HttpOnly and SameSite=Lax; the CSRF cookie is __Host- and Secure", async () => {
    const csrf = await auth("csrf");
    const csrfCookie = csrf.cookies!.find((c) => c.name.endsWith("next-auth.csrf-token"))!;
    expect(csrfCookie).toMatchObject({
      name: "__Host-next-auth.csrf-token",
      options: { httpOnly: true, secure: true, sameSite: "lax", path: "/" },
    });
    const { csrfToken } = csrf.body as { csrfToken: string };

    const signedIn = await auth("callback/password", {
      method: "POST",
      cookies: csrf.cookies,
      form: {
        email: "cookie@example.com",
        password,
        csrfToken,
        callbackUrl: "https://gantry.proof.test/releases",
        json: "true",
      },
    });
    const session = signedIn.cookies?.find((c) => c.name.endsWith("next-auth.session-token"));
    expect(session, JSON.stringify(signedIn).slice(0, 300)).toMatchObject({
      name: "__Secure-next-auth.session-token",
      options: { httpOnly: true, secure: true, sameSite: "lax", path: "/" },
    });

    const refused = await auth("callback/password", {
      method: "POST",
      cookies: csrf.cookies,
      form: { email: "cookie@example.com", password: "wrong-password-1", csrfToken, json: "true" },
    });
    expect(refused.cookies?.some((c) => c.name.endsWith("session-token") && c.value)).toBeFalsy();
    proof.add({
      area: "Session cookie",
      tried: "password sign-in through next-auth with Gantry's authOptions and GANTRY_URL=https://…",
      cases: 2,
      outcome:
        "__Secure-next-auth.session-token: HttpOnly, Secure, SameSite=Lax, Path=/ (CSRF cookie __Host-, Secure); a wrong password sets none",
    });
  });
});
