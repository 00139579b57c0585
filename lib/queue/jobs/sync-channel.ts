import { z } from "zod";
import { defineJob } from "../job-definition";

/**
 * Syncs one channel as "system"; a failed sync is stored on the channel, so the job itself
 * succeeds. "stately" with the channel id as singleton key: two syncs of one channel never overlap.
 */
export const syncChannelJob = defineJob({
  name: "sync-channel",
  schema: z.object({ channelId: z.string().min(1) }),
  retry: { limit: 0, delaySeconds: 60, backoff: false },
  expireInSeconds: 600,
  policy: "stately",
  concurrency: 2,
  async handler(data, context) {
    // Imported when run, so the domain can send this job without an import cycle.
    const { runScheduledSync } = await import("@/lib/releases/run-scheduled-sync");
    return runScheduledSync(data.channelId, { signal: context.signal });
  },
});
