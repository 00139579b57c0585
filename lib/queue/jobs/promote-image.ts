import { PROMOTE_IMAGE_JOB, promoteImagePayloadSchema } from "@/lib/promotions/promote-image-queue";
import { promotionSettings } from "@/lib/promotions/promotion-settings";
import { runPromotionImages } from "@/lib/promotions/run-promotion-images";
import { defineJob } from "../job-definition";

/**
 * Copies one image of a promotion (and the promotion's other pending images with it, see
 * runPromotionImages). The job is a wake-up: the handler claims PromotionImage rows with a
 * conditional update, so however many workers and duplicate jobs there are, one worker
 * copies each image. "stately" with the image id as singleton key keeps at most one job
 * queued and one running per image.
 */
export const promoteImage = defineJob({
  name: PROMOTE_IMAGE_JOB,
  schema: promoteImagePayloadSchema,
  retry: { limit: 2, delaySeconds: 5, backoff: true },
  // A long copy outlives the job harmlessly: a retried job finds the row pushing and exits.
  expireInSeconds: 6 * 60 * 60,
  policy: "stately",
  concurrency: promotionSettings().jobsPerWorker,
  // Someone is watching the console for the copy to begin.
  pollingIntervalSeconds: 0.5,
  async handler(data, context) {
    return runPromotionImages(data.promotionImageId, { workerId: context.workerId, signal: context.signal });
  },
});
