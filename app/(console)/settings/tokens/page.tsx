import type { Metadata } from "next";
import { ForbiddenNotice } from "@/components/forbidden-notice";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/get-current-user";
import { can } from "@/lib/auth/permissions";
import { listApiTokens } from "@/lib/users/list-users";
import { CreateTokenForm } from "./create-token-form";
import { TokensTable } from "./tokens-table";

export const metadata: Metadata = { title: "API tokens" };

export default async function TokensPage() {
  const me = await requireUser();
  if (!can(me.role, "tokens.read")) return <ForbiddenNotice permission="tokens.read" />;
  const tokens = await listApiTokens();
  return (
    <>
      <PageHeader
        title="API tokens"
        description="For CI pipelines and scripts: send `Authorization: Bearer <token>` to /api/v1. A token acts with its role, never above its owner's."
      />
      <div className="space-y-6">
        <TokensTable
          tokens={tokens.map((t) => ({
            id: t.id,
            name: t.name,
            role: t.role,
            prefix: t.prefix,
            owner: t.user.email,
            lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
            expiresAt: t.expiresAt?.toISOString() ?? null,
            revoked: Boolean(t.revokedAt),
          }))}
        />
        <CreateTokenForm owner={{ email: me.email, role: me.role }} />
      </div>
    </>
  );
}
