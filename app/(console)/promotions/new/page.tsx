import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ForbiddenNotice } from "@/components/forbidden-notice";
import { buttonStyles } from "@/components/ui/button";
import { Bytes } from "@/components/ui/bytes";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Digest } from "@/components/ui/digest";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/get-current-user";
import { can } from "@/lib/auth/permissions";
import { listConnections } from "@/lib/connections/list-connections";
import { getChannel, getRelease } from "@/lib/releases/channel-view";
import { PromoteForm, type TargetOption } from "./promote-form";

export const metadata: Metadata = { title: "Promote a release" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** `/promotions/new?releaseId=…`: the release, a target and a mapping, then the plan, then confirm. */
export default async function NewPromotionPage({ searchParams }: { searchParams: SearchParams }) {
  const user = await requireUser();
  if (!can(user.role, "promotions.create")) {
    return (
      <>
        <PageHeader title="Promote a release" />
        <ForbiddenNotice permission="promotions.create" />
      </>
    );
  }
  const releaseId = [(await searchParams).releaseId].flat()[0];
  if (!releaseId) {
    return (
      <>
        <PageHeader title="Promote a release" />
        <EmptyState
          title="Pick a release first"
          description="Open a channel on the Releases page and choose Promote on the release you want to copy."
          action={
            <Link href="/releases" className={buttonStyles({ variant: "primary" })}>
              Browse releases
            </Link>
          }
        />
      </>
    );
  }
  const release = await getRelease(releaseId);
  if (!release) notFound();
  const [channel, connections] = await Promise.all([getChannel(release.channelId), listConnections()]);
  if (!channel) notFound();
  // The release's own source is no target: promoting it into itself copies nothing anywhere.
  const targets: TargetOption[] = connections
    .filter((connection) => connection.id !== channel.sourceRegistry?.id)
    .map((connection) => ({
      id: connection.id,
      name: connection.name,
      endpoint: connection.endpoint,
      namespace: connection.namespace,
      providerLabel: connection.providerLabel,
      sizeLimitBytes: connection.sizeLimitBytes,
      approvalsRequired: connection.approvalsRequired,
    }));

  return (
    <>
      <PageHeader
        title={
          <>
            Promote {channel.name} <span className="font-mono">{release.tag}</span>
          </>
        }
        description={`From ${channel.sourceRegistry ? `${channel.sourceRegistry.name} (${channel.sourceRegistry.endpoint})` : "its bundle file"} into one of your registries. Nothing moves until you confirm the plan.`}
      />
      <div className="space-y-6">
        <Card>
          <CardHeader
            title="Release"
            description={
              <>
                {release.images.length} component{release.images.length === 1 ? "" : "s"},{" "}
                <Bytes value={release.images.reduce((sum, image) => sum + image.size, 0)} />
                {release.latest ? " · the latest release of this channel" : ""}
              </>
            }
          />
          <CardBody className="p-0">
            <ul className="divide-y divide-border" aria-label="Components">
              {release.images.map((image) => (
                <li
                  key={image.repository}
                  className="flex flex-wrap items-center justify-between gap-x-6 gap-y-1 px-4 py-2.5 text-sm"
                >
                  <span className="font-mono text-[13px] font-medium">
                    {image.repository}:{release.tag}
                  </span>
                  <span className="flex items-center gap-4 text-xs text-muted">
                    <span>{image.platforms.join(", ") || "single platform"}</span>
                    <Bytes value={image.size} />
                    <Digest value={image.digest} />
                  </span>
                </li>
              ))}
            </ul>
          </CardBody>
        </Card>
        {targets.length === 0 ? (
          <EmptyState
            title="No registry to promote into"
            description="An admin connects your private registry on the Registries page first."
            action={
              <Link href="/registries" className={buttonStyles()}>
                Registries
              </Link>
            }
          />
        ) : (
          <PromoteForm
            releaseId={release.id}
            tag={release.tag}
            components={release.images.map((image) => image.repository)}
            targets={targets}
          />
        )}
      </div>
    </>
  );
}
