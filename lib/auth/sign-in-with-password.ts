import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { runWithRequestContext } from "@/lib/audit/request-context";
import { db } from "@/lib/db/prisma";
import { decoyHash, verifyPassword } from "./password";
import type { Role } from "./roles";

/**
 * Brute force is slowed without letting anyone lock the rightful user out: failures lock the
 * (account, address) pair that made them, and an address that fails across accounts; the
 * account itself only answers more slowly as failures from everywhere pile up.
 */
export const signInLimits = {
  windowMinutes: 15,
  /** Failed attempts on one account from one address within the window before that pair is locked. */
  perAccountAndIp: 5,
  /** Failed attempts from one address within the window, whatever the account. */
  perIp: 20,
  /** Account failures (from any address) before its answers slow down, doubling with each failure. */
  delayAfter: 5,
  delayBaseMs: 250,
  maxDelayMs: 8_000,
  /** Account failures within the window that the console reports as an attack. */
  attackThreshold: 10,
};

/** How long an attempt on an account that failed `failures` times in the window waits before its answer. */
export function signInDelayMs(failures: number): number {
  if (failures < signInLimits.delayAfter) return 0;
  return Math.min(signInLimits.maxDelayMs, signInLimits.delayBaseMs * 2 ** (failures - signInLimits.delayAfter));
}

export type SignInOutcome =
  | { ok: true; user: { id: string; email: string; name: string | null; role: Role } }
  | { ok: false; reason: "invalid" | "locked"; message: string };

/**
 * Checks an email and password, throttling brute force per (account, address), per address and,
 * with a growing delay, per account. Every attempt is recorded; failures and successes are
 * audited in the same transaction.
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
  const [accountFailures, pairFailures, ipFailures] = await Promise.all([
    db().signInAttempt.count({ where: { email, ok: false, createdAt: { gte: since } } }),
    db().signInAttempt.count({ where: { email, ip, ok: false, createdAt: { gte: since } } }),
    db().signInAttempt.count({ where: { ip, ok: false, createdAt: { gte: since } } }),
  ]);
  const locked = pairFailures >= signInLimits.perAccountAndIp || ipFailures >= signInLimits.perIp;
  const delay = signInDelayMs(accountFailures);
  if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));

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
