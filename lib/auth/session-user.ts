import "server-only";
import { db, type Tx } from "@/lib/db/prisma";
import type { Role } from "./roles";

export interface SessionUser {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  /** The session version this session was issued under; a later bump ends it. */
  sessionVersion: number;
}

/** What the session cookie says, as Gantry's session callback shapes it. */
export interface SessionClaims {
  user?: { id?: string } | null;
  sessionVersion?: number;
}

/**
 * The user behind a decoded session, read fresh from the database: null when the user is gone
 * or disabled, or when the session was issued before the user's sessions were ended (sign-out,
 * role change, disable), so a copied cookie stops working at once rather than after 12 hours.
 * A session without a version (issued before versions existed) counts as version 0.
 */
export async function userOfSession(session: SessionClaims | null): Promise<SessionUser | null> {
  const id = session?.user?.id;
  if (!id) return null;
  const user = await db().user.findUnique({
    where: { id },
    select: { id: true, email: true, name: true, role: true, disabledAt: true, sessionVersion: true },
  });
  if (!user || user.disabledAt || user.sessionVersion !== (session.sessionVersion ?? 0)) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role, sessionVersion: user.sessionVersion };
}

/** Whether a session issued to `userId` under `sessionVersion` is still good (for long-lived answers). */
export async function isSessionCurrent(userId: string, sessionVersion: number): Promise<boolean> {
  return Boolean(await userOfSession({ user: { id: userId }, sessionVersion }));
}

/** The version a new session of the user is issued under. */
export async function sessionVersionOf(userId: string): Promise<number> {
  const user = await db().user.findUnique({ where: { id: userId }, select: { sessionVersion: true } });
  return user?.sessionVersion ?? 0;
}

/** Ends every session of the user issued so far, inside the change's transaction. */
export async function endSessions(tx: Tx, userId: string): Promise<void> {
  await tx.user.update({ where: { id: userId }, data: { sessionVersion: { increment: 1 } } });
}
