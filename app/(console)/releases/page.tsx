import type { Metadata } from "next";
import Link from "next/link";
import { buttonStyles } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PlusIcon, RegistriesIcon, ReleasesIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/get-current-user";
import { can } from "@/lib/auth/permissions";
import { countConnections } from "@/lib/connections/list-connections";
import { listChannels, listReleasesOfEveryChannel } from "@/lib/releases/channel-view";
import { getTrustedRootStatus } from "@/lib/releases/trusted-root-setting";
import { ChannelCard } from "./channel-card";

export const metadata: Metadata = { title: "Releases" };

/** Releases listed per channel; the rest stay reachable through the API. */
const RELEASES_SHOWN = 15;

export default async function ReleasesPage() {
  const user = await requireUser();
  const allowed = {
    sync: can(user.role, "channels.sync"),
    edit: can(user.role, "channels.write"),
    promote: can(user.role, "promotions.create"),
    exportBundle: can(user.role, "bundles.export"),
  };
  const channelsRead = listChannels();
  const [channels, trustedRoot, releases] = await Promise.all([
    channelsRead,
    getTrustedRootStatus(),
    listReleasesOfEveryChannel(channelsRead, { limit: RELEASES_SHOWN }),
  ]);
  // Only the empty page asks whether any registry is connected yet.
  const connections = channels.length === 0 ? await countConnections() : null;
  const newChannel = allowed.edit ? (
    <Link href="/releases/channels/new" className={buttonStyles({ variant: "primary" })}>
      <PlusIcon className="size-4" />
      New channel
    </Link>
  ) : null;

  return (
    <>
      <PageHeader
        title="Releases"
        description="Releases discovered in the vendor's registry, one channel per product, newest first."
        actions={channels.length > 0 ? newChannel : null}
      />
      {trustedRoot.expiresSoon ? (
        <p role="alert" className="mb-4 rounded-md border border-warning/40 bg-warning/10 px-3 py-2 text-sm text-fg">
          The trusted root for keyless signatures expires on {trustedRoot.expiresAt?.slice(0, 10)}: after that, keyless
          signatures can no longer be verified and signed releases will be refused. Upload a newer trusted_root.json
          under Settings.
        </p>
      ) : null}
      {connections === 0 && channels.length === 0 ? (
        <EmptyState
          icon={<RegistriesIcon />}
          title="Connect the vendor's registry first"
          description={
            can(user.role, "registries.write")
              ? "Releases come from a source registry. Connect it under Registries, then add a channel with its component repositories."
              : "Releases come from a source registry. An admin connects it under Registries; then a channel with its component repositories can be added here."
          }
          action={
            <Link href="/registries" className={buttonStyles({ variant: "primary" })}>
              Go to Registries
            </Link>
          }
        />
      ) : channels.length === 0 ? (
        <EmptyState
          icon={<ReleasesIcon />}
          title="No release channels yet"
          description={
            allowed.edit
              ? "Create a channel: the source registry, the component repositories that make one release, and how their tags are named and ordered."
              : "An operator creates a channel with the component repositories that make one release; its releases will be listed here."
          }
          action={newChannel}
        />
      ) : (
        <div className="space-y-6">
          {channels.map((channel) => (
            <ChannelCard
              key={channel.id}
              channel={channel}
              releases={releases.get(channel.id) ?? []}
              total={channel.releaseCount}
              can={allowed}
            />
          ))}
        </div>
      )}
    </>
  );
}
