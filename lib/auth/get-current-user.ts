import "server-only";
import { getToken } from "next-auth/jwt";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { db } from "@/lib/db/prisma";
import { authOptions } from "./auth-options";
import { userOfSession, type SessionClaims, type SessionUser } from "./session-user";

/**
 * The signed-in user, read fresh from the database on every request (once per request: React's
 * cache() shares it between the layout, the page and route code), so a disabled user, a changed
 * role or an ended session takes effect at the next request rather than when the cookie expires.
 */
export const getCurrentUser = cache(async (): Promise<SessionUser | null> => userOfSession(await sessionClaims()));

/**
 * What the session cookie says: next-auth's own decoder (cookie name, chunks, signature and
 * expiry checked), without getServerSession's full session round — it also re-encrypts a
 * renewed cookie that a page cannot set anyway, and copies every header. No Authorization
 * fallback: a console session is the cookie only (API tokens are resolved before this).
 */
async function sessionClaims(): Promise<SessionClaims | null> {
  const token = await getToken({ req: { cookies: await cookies(), headers: {} } as never, secret: authOptions.secret });
  if (!token?.sub) return null;
  return {
    user: { id: token.sub },
    ...(typeof token.sessionVersion === "number" ? { sessionVersion: token.sessionVersion } : {}),
  };
}

/** The signed-in user, or a redirect to first-run setup (no users yet) or to sign-in. */
export async function requireUser(): Promise<SessionUser> {
  const user = await getCurrentUser();
  if (user) return user;
  if (await needsFirstRunSetup()) redirect("/setup");
  redirect("/sign-in");
}

export async function needsFirstRunSetup(): Promise<boolean> {
  return (await db().user.count()) === 0;
}
