import { z } from "zod";
import { recoverStalledImages } from "@/lib/promotions/recover-stalled-images";
import { defineJob } from "../job-definition";

/**
 * Every minute and whenever a worker starts: images whose worker died mid-push go back to
 * pending (or fail after too many attempts), pending images get their wake-up again, and a
 * tag step left undone by a dead worker runs again.
 */
export const recoverStalledImagesJob = defineJob({
  name: "recover-stalled-images",
  schema: z.object({}).loose(),
  retry: { limit: 1, delaySeconds: 30, backoff: false },
  expireInSeconds: 120,
  cron: "* * * * *",
  runOnStart: true,
  async handler() {
    return recoverStalledImages();
  },
});
