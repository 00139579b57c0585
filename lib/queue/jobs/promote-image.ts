import { z } from "zod";
import { promotionSettings } from "@/lib/promotions/promotion-settings";
import { defineJob } from "../job-definition";

/**
 * Copies one image of a promotion (and the promotion's other pending images with it, see
 * runPromotionImages). The job is a wake-up: the handler claims PromotionImage rows with a
 * conditional update, so however many workers and duplicate jobs there are, one worker
 * copies each image. "stately" with the image id as singleton key keeps at most one job
 * queued and one running per image.
 */
export const promoteImageJob = defineJob({
  name: "promote-image",
  schema: z.object({ promotionImageId: z.string().min(1) }),
  retry: { limit: 2, delaySeconds: 5, backoff: true },
  // A long copy outlives the job harmlessly: a retried job finds the row pushing and exits.
  expireInSeconds: 6 * 60 * 60,
  policy: "stately",
  concurrency: promotionSettings().jobsPerWorker,
  // Someone is watching the console for the copy to begin.
  pollingIntervalSeconds: 0.5,
  async handler(data, context) {
    // Imported when run, so the domain can send this job without an import cycle.
    const { runPromotionImages } = await import("@/lib/promotions/run-promotion-images");
    return runPromotionImages(data.promotionImageId, { workerId: context.workerId, signal: context.signal });
  },
});
