import { z } from "zod";
import { dueDeliveryIds, enqueueDelivery, pruneFinishedDeliveries } from "@/lib/webhooks/webhook-queue";
import { defineJob } from "../job-definition";

/**
 * Every minute, and when a worker starts: wakes a worker for each pending delivery that is
 * due, so nothing is lost when a wake-up was missed (an enqueue that failed, a worker that
 * died mid-attempt and left its lease to run out). It also forgets finished deliveries
 * older than 30 days, so the log stays a log.
 */
export const deliverWebhookSweepJob = defineJob({
  name: "deliver-webhook-sweep",
  schema: z.object({}).loose(),
  retry: { limit: 0, delaySeconds: 60, backoff: false },
  expireInSeconds: 120,
  cron: "* * * * *",
  runOnStart: true,
  async handler() {
    const due = await dueDeliveryIds();
    let enqueued = 0;
    for (const id of due) if (await enqueueDelivery(id)) enqueued += 1;
    return { due: due.length, enqueued, pruned: await pruneFinishedDeliveries() };
  },
});
