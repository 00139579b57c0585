import type { Metadata } from "next";
import { RoleBadge } from "@/components/role-badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { KeyIcon, UsersIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/get-current-user";
import { can } from "@/lib/auth/permissions";
import { getTrustedRootStatus } from "@/lib/releases/trusted-root-setting";
import { SettingsLinkCard } from "./settings-link-card";
import { TrustedRootForm } from "./trusted-root-form";
import { WebhookIcon } from "./webhooks/webhook-icon";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const user = await requireUser();
  const canManageUsers = can(user.role, "users.read");
  const canManageTokens = can(user.role, "tokens.read");
  const canManageWebhooks = can(user.role, "webhooks.read");
  const canWriteSettings = can(user.role, "settings.write");
  const trustedRoot = canWriteSettings ? await getTrustedRootStatus() : null;

  return (
    <>
      <PageHeader
        title="Settings"
        description="Your account, the people who can use this console and how scripts reach it."
      />
      <div className="space-y-6">
        {canManageUsers || canManageTokens || canManageWebhooks ? (
          <div className="grid gap-3 sm:grid-cols-2">
            {canManageUsers ? (
              <SettingsLinkCard
                href="/settings/users"
                icon={<UsersIcon />}
                title="Users"
                description="Add people, change their role, turn off access."
              />
            ) : null}
            {canManageTokens ? (
              <SettingsLinkCard
                href="/settings/tokens"
                icon={<KeyIcon />}
                title="API tokens"
                description="Tokens for CI jobs and scripts that call the Gantry API."
              />
            ) : null}
            {canManageWebhooks ? (
              <SettingsLinkCard
                href="/settings/webhooks"
                icon={<WebhookIcon />}
                title="Webhooks"
                description="Signed promotion events for Slack channels and CI pipelines."
              />
            ) : null}
          </div>
        ) : null}
        {trustedRoot ? (
          <Card data-testid="trusted-root">
            <CardHeader
              title="Trusted root for keyless signatures"
              description={
                trustedRoot.uploaded
                  ? `Uploaded (sha256 ${trustedRoot.sha256?.slice(0, 12)}…): ${trustedRoot.summary?.certificateAuthorities} certificate authorities, ${trustedRoot.summary?.tlogs} transparency logs${trustedRoot.expiresAt ? `; keys end ${trustedRoot.expiresAt.slice(0, 10)}${trustedRoot.expiresSoon ? " — replace it soon" : ""}` : ""}.`
                  : "None uploaded: channels with a keyless signature policy refuse every release until an admin uploads sigstore's trusted_root.json (verification is offline)."
              }
            />
            <CardBody>
              <TrustedRootForm />
            </CardBody>
          </Card>
        ) : null}
        <Card>
          <CardHeader
            title="Your account"
            description={canManageUsers ? undefined : "Users and API tokens are managed by admins."}
          />
          <CardBody>
            <dl className="grid grid-cols-[8rem_minmax(0,1fr)] gap-y-3 text-sm">
              <dt className="text-muted">Email</dt>
              <dd className="truncate text-fg">{user.email}</dd>
              <dt className="text-muted">Name</dt>
              <dd className="text-fg">{user.name ?? <span className="text-subtle">Not set</span>}</dd>
              <dt className="text-muted">Role</dt>
              <dd>
                <RoleBadge role={user.role} />
              </dd>
            </dl>
          </CardBody>
        </Card>
      </div>
    </>
  );
}
