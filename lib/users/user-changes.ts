import { z } from "zod";
import type { ChangeDefinition } from "@/lib/change/run-change";
import { UserError } from "@/lib/change/errors";
import { hashPassword } from "@/lib/auth/password";
import { emailSchema, nameSchema, passwordSchema, roleSchema } from "@/lib/auth/user.schema";
import { isUniqueViolation } from "@/lib/db/errors";
import type { Tx } from "@/lib/db/prisma";

export const createUserSchema = z.object({
  email: emailSchema,
  name: nameSchema,
  role: roleSchema,
  password: passwordSchema,
});

export const createUser: ChangeDefinition<typeof createUserSchema, { id: string }> = {
  permission: "users.create",
  schema: createUserSchema,
  async run({ input, tx, audit }) {
    try {
      const user = await tx.user.create({
        data: {
          email: input.email,
          name: input.name || null,
          role: input.role,
          passwordHash: await hashPassword(input.password),
        },
      });
      await audit({
        action: "user.created",
        targetType: "user",
        targetId: user.id,
        detail: { after: { email: user.email, role: user.role } },
      });
      return { id: user.id };
    } catch (error) {
      if (isUniqueViolation(error)) throw new UserError(`email: a user with ${input.email} already exists`, "email");
      throw error;
    }
  },
};

export const updateUserSchema = z.object({
  userId: z.string().min(1, "userId is required"),
  role: roleSchema.optional(),
  disabled: z.boolean().optional(),
});

export const updateUser: ChangeDefinition<typeof updateUserSchema, { id: string }> = {
  permission: "users.update",
  schema: updateUserSchema,
  async run({ input, caller, tx, audit }) {
    await lockAdminSet(tx);
    const before = await tx.user.findUnique({ where: { id: input.userId } });
    if (!before) throw new UserError("userId: no such user", "userId", 404);
    if (input.userId === caller.userId && (input.disabled || (input.role && input.role !== "admin"))) {
      throw new UserError("You cannot disable yourself or lower your own role; ask another admin.", "userId");
    }
    const disabledAt =
      input.disabled === undefined ? before.disabledAt : input.disabled ? (before.disabledAt ?? new Date()) : null;
    // A new role or a disable ends the user's sessions: they sign in again under what changed.
    const endsSessions = (input.role !== undefined && input.role !== before.role) || (disabledAt && !before.disabledAt);
    const after = await tx.user.update({
      where: { id: input.userId },
      data: {
        role: input.role ?? before.role,
        disabledAt,
        ...(endsSessions ? { sessionVersion: { increment: 1 } } : {}),
      },
    });
    // Keep at least one active admin, checked after the write inside the same transaction.
    const admins = await tx.user.count({ where: { role: "admin", disabledAt: null } });
    if (admins === 0) throw new UserError("At least one active admin must remain.", "role");
    await audit({
      action: "user.updated",
      targetType: "user",
      targetId: after.id,
      detail: {
        before: { role: before.role, disabled: Boolean(before.disabledAt) },
        after: { role: after.role, disabled: Boolean(after.disabledAt) },
      },
    });
    return { id: after.id };
  },
};

const adminSetLockKey = 7_240_915;

/**
 * Serialises every change that can take away an admin (a role change, a disable). Under READ
 * COMMITTED two admins demoting each other at once would each count the other still active and
 * both commit; behind this lock the second counts after the first has committed.
 */
async function lockAdminSet(tx: Tx): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${adminSetLockKey})`;
}
