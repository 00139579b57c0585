import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { runWithRequestContext } from "@/lib/audit/request-context";
import { db } from "@/lib/db/prisma";
import { decoyHash, verifyPassword } from "./password";
import type { Role } from "./roles";

export const signInLimits = {
  windowMinutes: 15,
  /** Failed attempts on one account within the window before it is locked. */
  perAccount: 5,
  /** Failed attempts from one address within the window, whatever the account. */
  perIp: 20,
};

export type SignInOutcome =
  | { ok: true; user: { id: string; email: string; name: string | null; role: Role } }
  | { ok: false; reason: "invalid" | "locked"; message: string };

/**
 * Checks an email and password, slowing brute force per account and per address. Every
 * attempt is recorded; failures and successes are audited in the same transaction.
 */
export async function signInWithPassword(input: {
  email: string;
  password: string;
  ip: string | null;
  userAgent: string | null;
}): Promise<SignInOutcome> {
  const email = input.email.trim().toLowerCase();
  const ip = input.ip ?? "unknown";
  const since = new Date(Date.now() - signInLimits.windowMinutes * 60_000);
  const [accountFailures, ipFailures] = await Promise.all([
    db().signInAttempt.count({ where: { email, ok: false, createdAt: { gte: since } } }),
    db().signInAttempt.count({ where: { ip, ok: false, createdAt: { gte: since } } }),
  ]);
  const locked = accountFailures >= signInLimits.perAccount || ipFailures >= signInLimits.perIp;

  const user = await db().user.findUnique({ where: { email } });
  // Verify even when locked or unknown, so response time says nothing about the account.
  const passwordOk = await verifyPassword(user?.passwordHash ?? (await decoyHash()), input.password);
  const ok = !locked && passwordOk && Boolean(user) && !user?.disabledAt;

  await runWithRequestContext(
    { actorId: user?.id ?? null, actorLabel: email, ip: input.ip, userAgent: input.userAgent },
    () =>
      db().$transaction(async (tx) => {
        await tx.signInAttempt.create({ data: { email, ip, ok } });
        if (ok && user) await tx.user.update({ where: { id: user.id }, data: { lastSignInAt: new Date() } });
        await recordAuditEvent(tx, {
          action: ok ? "auth.sign_in" : "auth.sign_in_failed",
          targetType: "user",
          targetId: user?.id ?? null,
          detail: ok
            ? { method: "password" }
            : {
                method: "password",
                reason: locked ? "rate_limited" : user?.disabledAt ? "disabled" : "invalid_credentials",
              },
        });
      }),
  );

  if (locked) {
    return {
      ok: false,
      reason: "locked",
      message: `Too many failed sign-ins. Try again in ${signInLimits.windowMinutes} minutes.`,
    };
  }
  if (user?.disabledAt && passwordOk)
    return { ok: false, reason: "invalid", message: "This account is disabled. Ask an admin to enable it." };
  if (!ok || !user) return { ok: false, reason: "invalid", message: "Wrong email or password." };
  return { ok: true, user: { id: user.id, email: user.email, name: user.name, role: user.role } };
}
