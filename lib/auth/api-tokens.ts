import crypto from "node:crypto";
import { z } from "zod";
import { UserError } from "@/lib/change/errors";
import type { Caller, ChangeDefinition } from "@/lib/change/run-change";
import { db, type Tx } from "@/lib/db/prisma";
import { isUniqueViolation } from "@/lib/db/errors";
import { emailSchema, roleSchema } from "./user.schema";
import { isAtLeast, roleRank, roles, type Role } from "./roles";

const tokenPrefix = "gty_";

export function hashToken(token: string): string {
  return crypto.createHash("sha256").update(token).digest("hex");
}

export const createApiTokenSchema = z.object({
  email: emailSchema.optional(),
  userId: z.string().min(1).optional(),
  name: z
    .string()
    .trim()
    .min(1, "Name is required")
    .max(80, "Name must be at most 80 characters")
    .regex(/^[\w .:@-]+$/, "Name may use letters, digits, spaces and . _ : @ -"),
  role: roleSchema.optional(),
  expiresInDays: z
    .number()
    .int()
    .min(1, "Expiry must be at least 1 day")
    .max(3650, "Expiry must be at most 3650 days")
    .optional(),
});

/**
 * Creates a token; the clear token is returned once and only its hash is kept. A signed-in
 * caller (or a token) creates tokens only for itself: an admin minting tokens for two approvers
 * could satisfy a two-approver policy alone. The command line (no user: it runs with the
 * database's own credentials, which can already write any row) names the owner.
 */
export const createApiToken: ChangeDefinition<
  typeof createApiTokenSchema,
  { id: string; token: string; prefix: string; role: string }
> = {
  permission: "tokens.create",
  schema: createApiTokenSchema,
  async run({ input, caller, tx, audit }) {
    const owner = await tokenOwner(tx, input, caller);
    const role = input.role ?? owner.role;
    if (!isAtLeast(owner.role, role))
      throw new UserError(`role: a token cannot exceed its owner's role (${owner.role})`, "role");
    const token = `${tokenPrefix}${crypto.randomBytes(32).toString("base64url")}`;
    try {
      const row = await tx.apiToken.create({
        data: {
          name: input.name,
          role,
          tokenHash: hashToken(token),
          prefix: token.slice(0, tokenPrefix.length + 6),
          userId: owner.id,
          expiresAt: input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null,
        },
      });
      await audit({
        action: "token.created",
        targetType: "api_token",
        targetId: row.id,
        detail: { after: { name: row.name, role, owner: owner.email, expiresAt: row.expiresAt } },
      });
      return { id: row.id, token, prefix: row.prefix, role };
    } catch (error) {
      if (isUniqueViolation(error))
        throw new UserError(`name: ${owner.email} already has a token named "${input.name}"`, "name");
      throw error;
    }
  },
};

/** The user the new token belongs to: the caller itself, or for the command line the named user. */
async function tokenOwner(tx: Tx, input: { email?: string; userId?: string }, caller: Caller) {
  if (caller.userId) {
    if ((input.userId && input.userId !== caller.userId) || (input.email && input.email !== caller.email))
      throw notYours();
    const me = await tx.user.findUnique({ where: { id: caller.userId } });
    if (!me || me.disabledAt) throw new UserError("email: your account is not active", "email", 403);
    return me;
  }
  if (!input.userId && !input.email) throw new UserError("email: say whose token it is (email)", "email");
  const owner = await tx.user.findUnique({ where: input.userId ? { id: input.userId } : { email: input.email! } });
  if (!owner || owner.disabledAt)
    throw new UserError(`email: no active user ${input.email ?? input.userId}`, "email", 404);
  return owner;
}

function notYours(): UserError {
  return new UserError(
    "email: a token can be created only by its own user — ask them to create it while signed in (an admin can still revoke any token)",
    "email",
    403,
  );
}

export const revokeApiTokenSchema = z.object({ tokenId: z.string().min(1, "tokenId is required") });

export const revokeApiToken: ChangeDefinition<typeof revokeApiTokenSchema, { id: string }> = {
  permission: "tokens.revoke",
  schema: revokeApiTokenSchema,
  async run({ input, tx, audit }) {
    const token = await tx.apiToken.findUnique({
      where: { id: input.tokenId },
      include: { user: { select: { email: true } } },
    });
    if (!token) throw new UserError("tokenId: no such token", "tokenId", 404);
    if (!token.revokedAt) await tx.apiToken.update({ where: { id: token.id }, data: { revokedAt: new Date() } });
    await audit({
      action: "token.revoked",
      targetType: "api_token",
      targetId: token.id,
      detail: {
        before: { name: token.name, owner: token.user.email, revoked: Boolean(token.revokedAt) },
        after: { revoked: true },
      },
    });
    return { id: token.id };
  },
};

interface TokenWithOwner {
  id: string;
  name: string;
  role: Role;
  userId: string;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  email: string;
  ownerRole: Role;
  disabledAt: Date | null;
}

/**
 * The caller behind `Authorization: Bearer <token>`, or null for an unknown, revoked or
 * expired token or a disabled owner. The token acts with the lesser of its role and its
 * owner's current role.
 */
export async function authenticateApiToken(token: string): Promise<Caller | null> {
  if (!token.startsWith(tokenPrefix)) return null;
  // The token and its owner in one query (every API request starts here; `include` is two).
  const [row] = await db().$queryRaw<TokenWithOwner[]>`
    SELECT t.id, t.name, t.role::text AS role, t."userId", t."lastUsedAt", t."expiresAt", t."revokedAt",
           u.email, u.role::text AS "ownerRole", u."disabledAt"
    FROM "ApiToken" t JOIN "User" u ON u.id = t."userId"
    WHERE t."tokenHash" = ${hashToken(token)}`;
  if (!row || row.revokedAt || row.disabledAt) return null;
  if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) return null;
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
    await db().apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
  }
  const role = roles[Math.min(roleRank(row.role), roleRank(row.ownerRole))]!;
  return { userId: row.userId, email: row.email, role, tokenName: row.name };
}
