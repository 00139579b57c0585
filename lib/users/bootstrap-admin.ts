import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { runWithRequestContext, type RequestContext } from "@/lib/audit/request-context";
import { hashPassword } from "@/lib/auth/password";
import { emailSchema, passwordSchema } from "@/lib/auth/user.schema";
import { UserError } from "@/lib/change/errors";
import { db } from "@/lib/db/prisma";

/**
 * Creates the first admin — and only while no user exists. The check and the insert share a
 * transaction holding a lock, so two first-run forms submitted at once make one admin.
 */
export async function bootstrapAdmin(
  input: { email: string; password: string; name?: string | null },
  context: RequestContext,
): Promise<{ id: string } | null> {
  const email = emailSchema.safeParse(input.email);
  if (!email.success) throw new UserError(`email: ${email.error.issues[0]?.message}`, "email");
  const password = passwordSchema.safeParse(input.password);
  if (!password.success) throw new UserError(`password: ${password.error.issues[0]?.message}`, "password");
  const passwordHash = await hashPassword(password.data);
  return runWithRequestContext(context, () =>
    db().$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(7240914)`;
      if ((await tx.user.count()) > 0) return null;
      const user = await tx.user.create({
        data: { email: email.data, name: input.name || null, role: "admin", passwordHash },
      });
      await recordAuditEvent(tx, {
        action: "user.created",
        targetType: "user",
        targetId: user.id,
        detail: { after: { email: user.email, role: "admin" }, via: "first-run" },
      });
      return { id: user.id };
    }),
  );
}
