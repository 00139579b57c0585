import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { runWithRequestContext } from "@/lib/audit/request-context";
import { db } from "@/lib/db/prisma";

/**
 * Finds or creates the Gantry user for an OIDC identity (new people start as viewers) and
 * links the identity; returns the user id, or null when the user is disabled or the identity
 * cannot be trusted. An identity already linked signs in by its subject; otherwise the
 * provider must vouch for the e-mail (`email_verified`), or anyone who can set an address at
 * the provider could take over the Gantry account that has it.
 */
export async function linkOidcUser(identity: {
  email: string;
  name: string | null;
  providerAccountId: string;
  emailVerified: boolean;
}): Promise<string | null> {
  const email = identity.email.trim().toLowerCase();
  return runWithRequestContext({ actorId: null, actorLabel: email, ip: null, userAgent: null }, () =>
    db().$transaction(async (tx) => {
      const linked = await tx.account.findUnique({
        where: { provider_providerAccountId: { provider: "oidc", providerAccountId: identity.providerAccountId } },
        select: { user: true },
      });
      let user = linked?.user ?? null;
      if (!user) {
        if (!identity.emailVerified || !email.includes("@")) return null;
        user = await tx.user.findUnique({ where: { email } });
      }
      if (user?.disabledAt) return null;
      if (!user) {
        user = await tx.user.create({ data: { email, name: identity.name, role: "viewer" } });
        await recordAuditEvent(tx, {
          action: "user.created",
          targetType: "user",
          targetId: user.id,
          detail: { after: { email, role: "viewer" }, via: "oidc" },
        });
      }
      if (!linked)
        await tx.account.create({
          data: { userId: user.id, type: "oauth", provider: "oidc", providerAccountId: identity.providerAccountId },
        });
      await tx.user.update({ where: { id: user.id }, data: { lastSignInAt: new Date() } });
      await recordAuditEvent(tx, {
        action: "auth.sign_in",
        targetType: "user",
        targetId: user.id,
        detail: { method: "oidc" },
      });
      return user.id;
    }),
  );
}
