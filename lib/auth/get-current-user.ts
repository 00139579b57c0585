import "server-only";
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { cache } from "react";
import { db } from "@/lib/db/prisma";
import { authOptions } from "./auth-options";
import { userOfSession, type SessionUser } from "./session-user";

/**
 * The signed-in user, read fresh from the database on every request, so a disabled user, a
 * changed role or an ended session takes effect at once rather than when the cookie expires.
 */
export const getCurrentUser = cache(async (): Promise<SessionUser | null> =>
  userOfSession(await getServerSession(authOptions)),
);

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
