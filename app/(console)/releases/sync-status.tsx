import { Badge } from "@/components/ui/badge";
import { TimeAgo } from "@/components/ui/time-ago";
import type { ChannelView } from "@/lib/releases/channel-view";

/** The channel's sync state in words: never synced, syncing, synced when, or failed when. */
export function SyncStatus({ channel }: { channel: ChannelView }) {
  const schedule =
    channel.syncIntervalMinutes === 0
      ? "manual syncs only"
      : `syncs every ${formatInterval(channel.syncIntervalMinutes)}`;
  return (
    <span className="inline-flex flex-wrap items-center gap-2" data-testid="sync-status" data-state={channel.syncState}>
      {channel.syncState === "syncing" ? (
        <Badge tone="accent">Syncing</Badge>
      ) : channel.syncState === "failed" ? (
        <Badge tone="danger">Sync failed</Badge>
      ) : channel.lastSyncAt ? (
        <Badge tone="success">Synced</Badge>
      ) : (
        <Badge>Never synced</Badge>
      )}
      {channel.lastSyncAt ? (
        <span className="text-xs text-muted">
          last <TimeAgo date={channel.lastSyncAt} />
        </span>
      ) : null}
      <span className="text-xs text-muted">· {schedule}</span>
    </span>
  );
}

function formatInterval(minutes: number): string {
  if (minutes % 60 === 0) return minutes === 60 ? "hour" : `${minutes / 60} hours`;
  return `${minutes} minutes`;
}
