"use client";

// A client component over the channel and release views (plain data): the Releases page's
// flight payload then carries them once instead of the rendered card beside its HTML
// (47 → 38 KB for one release; one web process 73 → 86 requests/s in bench/load.mjs's setup).
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { buttonStyles } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { FormError } from "@/components/ui/form-error";
import { TimeAgo } from "@/components/ui/time-ago";
import type { ChannelView, ReleaseView } from "@/lib/releases/channel-view";
import { MAX_TAGS_RESOLVED_PER_SYNC } from "@/lib/releases/sync-limits";
import { ReleaseImages } from "./release-images";
import { ExportBundleButton } from "./export-bundle-button";
import { SyncChannelButton } from "./sync-channel-button";
import { SyncStatus } from "./sync-status";
import { TargetBadges } from "./target-badges";

export interface ChannelCardProps {
  channel: ChannelView;
  /** Newest first; the latest (if any) is shown on top, highlighted. */
  releases: ReleaseView[];
  /** How many releases the channel has in all (only the newest are listed). */
  total: number;
  can: { sync: boolean; edit: boolean; promote: boolean; exportBundle?: boolean };
}

/** One channel: its settings, sync state and error, the latest release first, then older ones. */
export function ChannelCard({ channel, releases, total, can }: ChannelCardProps) {
  const latest = releases.find((release) => release.latest) ?? null;
  const older = releases.filter((release) => release !== latest);
  const signed = channel.signaturePolicy.mode !== "off";
  return (
    <Card data-testid={`channel-${channel.name}`} aria-label={`Channel ${channel.name}`}>
      <CardHeader
        title={
          <span className="inline-flex flex-wrap items-center gap-2">
            <span className="text-base">{channel.name}</span>
            <span className="font-normal text-muted">
              from{" "}
              {channel.sourceRegistry ? (
                <Link href={`/registries/${channel.sourceRegistry.id}`} className="hover:text-accent hover:underline">
                  {channel.sourceRegistry.name}
                </Link>
              ) : (
                <Link href="/bundles" className="hover:text-accent hover:underline">
                  imported bundles
                </Link>
              )}
            </span>
          </span>
        }
        description={
          <span className="space-y-1">
            <span className="block font-mono text-xs">
              {channel.components.join(" · ")} <span className="text-subtle">matching</span> {channel.tagPattern}{" "}
              <span className="text-subtle">by {channel.ordering}</span>
            </span>
            {signed ? (
              <span className="block text-xs text-muted" data-testid="signature-policy">
                Signatures required: {channel.signaturePolicySummary}
              </span>
            ) : null}
            <SyncStatus channel={channel} />
          </span>
        }
        actions={
          <>
            {can.edit ? (
              <Link href={`/releases/channels/${channel.id}/edit`} className={buttonStyles({ variant: "ghost" })}>
                Edit
              </Link>
            ) : null}
            {can.sync && channel.sourceRegistry ? <SyncChannelButton id={channel.id} name={channel.name} /> : null}
          </>
        }
      />
      <CardBody className="space-y-4">
        {channel.syncState === "failed" && channel.lastSyncError ? (
          <FormError title="The last sync failed" message={channel.lastSyncError} />
        ) : null}
        {latest ? (
          <LatestRelease
            release={latest}
            canPromote={can.promote}
            canExport={Boolean(can.exportBundle && channel.sourceRegistry)}
            signed={signed}
          />
        ) : (
          <NoReleases channel={channel} canSync={can.sync} />
        )}
        {older.length > 0 ? <OlderReleases releases={older} canPromote={can.promote} signed={signed} /> : null}
        <p className="text-xs text-subtle">
          {total > releases.length ? `Showing the newest ${releases.length} of ${total} releases. ` : ""}
          Each sync resolves the newest {MAX_TAGS_RESOLVED_PER_SYNC} matching tags by the channel&apos;s ordering, so a
          repository with thousands of tags stays fast; older tags are left out.
        </p>
      </CardBody>
    </Card>
  );
}

function LatestRelease({
  release,
  canPromote,
  canExport,
  signed,
}: {
  release: ReleaseView;
  canPromote: boolean;
  canExport: boolean;
  signed: boolean;
}) {
  return (
    <section
      aria-label={`Latest release ${release.tag}`}
      data-testid="latest-release"
      className="space-y-3 rounded-lg border-2 border-accent/40 bg-accent/5 p-4"
    >
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex flex-wrap items-center gap-2">
          <Badge tone="accent">Latest</Badge>
          <h3 className="font-mono text-lg font-semibold text-fg">{release.tag}</h3>
          <span className="text-xs text-muted">
            found <TimeAgo date={release.discoveredAt} />
          </span>
        </div>
        <div className="flex flex-wrap items-start gap-2">
          {canExport ? <ExportBundleButton releaseId={release.id} tag={release.tag} /> : null}
          {canPromote ? (
            <Link
              href={`/promotions/new?releaseId=${encodeURIComponent(release.id)}`}
              className={buttonStyles({ variant: "primary" })}
            >
              Promote {release.tag}
            </Link>
          ) : null}
        </div>
      </div>
      <TargetBadges release={release} />
      <ReleaseImages release={release} signed={signed} />
    </section>
  );
}

function OlderReleases({
  releases,
  canPromote,
  signed,
}: {
  releases: ReleaseView[];
  canPromote: boolean;
  signed: boolean;
}) {
  return (
    <section aria-label="Earlier releases" className="space-y-2">
      <h3 className="text-sm font-medium text-muted">Earlier releases</h3>
      <ul className="divide-y divide-border rounded-lg border border-border">
        {releases.map((release) => (
          <li key={release.id} data-testid={`release-${release.tag}`}>
            <details className="group">
              <summary className="flex cursor-pointer list-none flex-wrap items-center justify-between gap-3 px-4 py-2.5 hover:bg-surface-hover/60">
                <span className="flex flex-wrap items-center gap-3">
                  <span className="font-mono text-sm font-medium text-fg">{release.tag}</span>
                  <span className="text-xs text-muted">
                    {release.images.length} components · found <TimeAgo date={release.discoveredAt} />
                  </span>
                  <TargetBadges release={release} />
                </span>
                {canPromote ? (
                  <Link
                    href={`/promotions/new?releaseId=${encodeURIComponent(release.id)}`}
                    className={buttonStyles({ size: "sm" })}
                  >
                    Promote
                  </Link>
                ) : null}
              </summary>
              <div className="px-4 pb-3">
                <ReleaseImages release={release} signed={signed} />
              </div>
            </details>
          </li>
        ))}
      </ul>
    </section>
  );
}

function NoReleases({ channel, canSync }: { channel: ChannelView; canSync: boolean }) {
  const text = channel.lastSyncAt
    ? `No tag matching ${channel.tagPattern} is present in every component yet.`
    : canSync
      ? "Not synced yet: sync now to discover its releases."
      : "Not synced yet; releases appear after the first sync.";
  return (
    <p className="rounded-lg border border-dashed border-border-strong px-4 py-6 text-center text-sm text-muted">
      {text}
    </p>
  );
}
