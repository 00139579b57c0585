import { z } from "zod";
import { dueChannelIds, enqueueChannelSyncs } from "@/lib/releases/channel-sync-queue";
import { defineJob } from "../job-definition";

/** Every minute: enqueues a sync for each channel whose interval has passed. */
export const syncDueChannelsJob = defineJob({
  name: "sync-due-channels",
  schema: z.object({}).loose(),
  retry: { limit: 0, delaySeconds: 60, backoff: false },
  expireInSeconds: 120,
  cron: "* * * * *",
  async handler() {
    const due = await dueChannelIds();
    return { due: due.length, enqueued: await enqueueChannelSyncs(due) };
  },
});
