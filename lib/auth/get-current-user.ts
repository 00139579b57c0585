import "server-only";
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { cache } from "react";
import { db } from "@/lib/db/prisma";
import { authOptions } from "./auth-options";
import type { Role } from "./roles";

export interface SessionUser {
  id: string;
  email: string;
  name: string | null;
  role: Role;
}

/**
 * The signed-in user, read fresh from the database on every request, so a disabled user or
 * a changed role takes effect at once rather than when the session cookie expires.
 */
export const getCurrentUser = cache(async (): Promise<SessionUser | null> => {
  const session = await getServerSession(authOptions);
  const id = (session?.user as { id?: string } | undefined)?.id;
  if (!id) return null;
  const user = await db().user.findUnique({
    where: { id },
    select: { id: true, email: true, name: true, role: true, disabledAt: true },
  });
  if (!user || user.disabledAt) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
});

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
