import { runScheduledSync } from "@/lib/releases/run-scheduled-sync";
import { SYNC_CHANNEL_JOB, syncChannelPayloadSchema } from "@/lib/releases/channel-sync-queue";
import { defineJob } from "../job-definition";

/** Syncs one channel as "system"; a failed sync is stored on the channel, so the job itself succeeds. */
export const syncChannelJob = defineJob({
  name: SYNC_CHANNEL_JOB,
  schema: syncChannelPayloadSchema,
  retry: { limit: 0, delaySeconds: 60, backoff: false },
  expireInSeconds: 600,
  policy: "stately",
  concurrency: 2,
  async handler(data, context) {
    return runScheduledSync(data.channelId, { signal: context.signal });
  },
});
