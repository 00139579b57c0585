import "server-only";
import type { ChangeDefinition } from "@/lib/change/run-change";
import { applySync, type SyncSummary } from "./apply-sync";
import { syncChannelSchema } from "./channel.schema";
import { listReleases, readChannelView, type ChannelView, type ReleaseView } from "./channel-view";
import { prepareSync, type PreparedSync } from "./prepare-sync";

export interface SyncResult {
  channel: ChannelView;
  summary: SyncSummary;
  /** The channel's releases after the sync, newest first. */
  releases: ReleaseView[];
}

/**
 * Syncs a channel now, for a person or an API client: the registry is asked in `prepare`
 * (no transaction open meanwhile), then the releases are stored in one short transaction.
 * A failed sync answers the reason and leaves it on the channel. The scheduled sync of the
 * worker is `runScheduledSync`, which audits only what changed.
 */
export const syncChannel: ChangeDefinition<typeof syncChannelSchema, SyncResult, PreparedSync> = {
  permission: "channels.sync",
  schema: syncChannelSchema,
  prepare: ({ input }) => prepareSync(input.id),
  async run({ tx, audit, prepared }) {
    const summary = await applySync(tx, audit, prepared, { auditUnchanged: true });
    return {
      channel: await readChannelView(tx, summary.channelId),
      summary,
      releases: await listReleases(summary.channelId, { client: tx }),
    };
  },
};
