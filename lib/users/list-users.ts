import { db } from "@/lib/db/prisma";

export async function listUsers() {
  const users = await db().user.findMany({
    orderBy: { createdAt: "asc" },
    select: { id: true, email: true, name: true, role: true, disabledAt: true, lastSignInAt: true, createdAt: true },
  });
  return users.map((u) => ({ ...u, disabled: Boolean(u.disabledAt) }));
}

export async function listApiTokens() {
  return db().apiToken.findMany({
    orderBy: { createdAt: "desc" },
    select: {
      id: true,
      name: true,
      role: true,
      prefix: true,
      lastUsedAt: true,
      expiresAt: true,
      revokedAt: true,
      createdAt: true,
      user: { select: { email: true } },
    },
  });
}
