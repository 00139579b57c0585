import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ForbiddenNotice } from "@/components/forbidden-notice";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/get-current-user";
import { can } from "@/lib/auth/permissions";
import { listConnections } from "@/lib/connections/list-connections";
import { getChannel } from "@/lib/releases/channel-view";
import { ChannelForm } from "../../../channel-form";
import { DeleteChannelButton } from "./delete-channel-button";
import { SignaturePolicyForm } from "./signature-policy-form";

export const metadata: Metadata = { title: "Edit channel" };

export default async function EditChannelPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  if (!can(user.role, "channels.write")) return <ForbiddenNotice permission="channels.write" />;
  const [channel, connections] = await Promise.all([getChannel((await params).id), listConnections()]);
  if (!channel) notFound();
  const initial = {
    name: channel.name,
    sourceRegistryId: channel.sourceRegistry?.id ?? "",
    components: channel.components.join("\n"),
    tagPattern: channel.tagPattern,
    ordering: channel.ordering,
    syncIntervalMinutes: String(channel.syncIntervalMinutes),
    copySignatures: channel.copySignatures,
  };
  return (
    <>
      <PageHeader
        title={`Edit ${channel.name}`}
        description="Releases already found stay; the next sync decides the latest one under the new settings."
        actions={<DeleteChannelButton id={channel.id} name={channel.name} />}
      />
      {channel.sourceRegistry ? (
        <ChannelForm
          mode={{ kind: "edit", id: channel.id, initial }}
          sources={connections.map(({ id, name, endpoint }) => ({ id, name, endpoint }))}
        />
      ) : (
        <Card>
          <CardHeader
            title="A bundle channel"
            description="Its releases are bundle files imported on the Bundles page or with gantry bundle import --channel; there is no registry to sync."
          />
        </Card>
      )}
      <Card className="mt-6">
        <CardHeader
          title="Signature policy"
          description={
            !channel.sourceRegistry
              ? "A bundle channel's releases are trusted through the bundle's own signature (GANTRY_BUNDLE_TRUST_KEY), checked at import."
              : can(user.role, "settings.write")
                ? "Require a valid vendor signature on every component before a release may be promoted."
                : `Signatures required: ${channel.signaturePolicySummary}. Admins change this.`
          }
        />
        {can(user.role, "settings.write") && channel.sourceRegistry ? (
          <CardBody>
            <SignaturePolicyForm channelId={channel.id} policy={channel.signaturePolicy} />
          </CardBody>
        ) : null}
      </Card>
    </>
  );
}
