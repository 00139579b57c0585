import "server-only";
import { db } from "@/lib/db/prisma";
import { signInLimits } from "./sign-in-with-password";

export interface AccountUnderAttack {
  email: string;
  failures: number;
  addresses: number;
  lastAt: Date;
}

/** Accounts with many failed sign-ins in the throttle window, for the admins' console banner. */
export async function listAccountsUnderAttack(): Promise<AccountUnderAttack[]> {
  const since = new Date(Date.now() - signInLimits.windowMinutes * 60_000);
  const rows = await db().signInAttempt.groupBy({
    by: ["email"],
    where: { ok: false, createdAt: { gte: since } },
    _count: { _all: true },
    _max: { createdAt: true },
    having: { email: { _count: { gte: signInLimits.attackThreshold } } },
    orderBy: { _count: { email: "desc" } },
    take: 20,
  });
  const users = await db().user.findMany({
    where: { email: { in: rows.map((r) => r.email) } },
    select: { email: true },
  });
  const known = new Set(users.map((u) => u.email));
  return Promise.all(
    rows
      .filter((row) => known.has(row.email))
      .map(async (row) => {
        const addresses = await db().signInAttempt.findMany({
          where: { email: row.email, ok: false, createdAt: { gte: since } },
          distinct: ["ip"],
          select: { ip: true },
        });
        return {
          email: row.email,
          failures: row._count._all,
          addresses: addresses.length,
          lastAt: row._max.createdAt!,
        };
      }),
  );
}
