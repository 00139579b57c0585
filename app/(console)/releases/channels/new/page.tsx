import type { Metadata } from "next";
import Link from "next/link";
import { ForbiddenNotice } from "@/components/forbidden-notice";
import { buttonStyles } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { RegistriesIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/get-current-user";
import { can } from "@/lib/auth/permissions";
import { listConnections } from "@/lib/connections/list-connections";
import { ChannelForm } from "../../channel-form";

export const metadata: Metadata = { title: "New channel" };

export default async function NewChannelPage() {
  const user = await requireUser();
  if (!can(user.role, "channels.write")) return <ForbiddenNotice permission="channels.write" />;
  const connections = await listConnections();
  return (
    <>
      <PageHeader
        title="New channel"
        description="Where the vendor's releases come from. Gantry syncs it on a schedule and whenever you ask."
      />
      {connections.length === 0 ? (
        <EmptyState
          icon={<RegistriesIcon />}
          title="Connect the vendor's registry first"
          description="A channel reads its releases from a source registry connection."
          action={
            <Link href="/registries" className={buttonStyles({ variant: "primary" })}>
              Go to Registries
            </Link>
          }
        />
      ) : (
        <ChannelForm
          mode={{ kind: "create" }}
          sources={connections.map(({ id, name, endpoint }) => ({ id, name, endpoint }))}
        />
      )}
    </>
  );
}
