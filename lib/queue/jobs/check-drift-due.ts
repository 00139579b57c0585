import { z } from "zod";
import { defineJob } from "../job-definition";

/** Every five minutes: a drift check for each target not looked at within GANTRY_DRIFT_CHECK_MINUTES. */
export const checkDriftDueJob = defineJob({
  name: "check-drift-due",
  schema: z.object({}).loose(),
  retry: { limit: 0, delaySeconds: 60, backoff: false },
  expireInSeconds: 120,
  cron: "*/5 * * * *",
  async handler() {
    const { dueDriftTargets, enqueueDriftChecks } = await import("@/lib/promotions/drift-schedule");
    const due = await dueDriftTargets();
    return { due: due.length, enqueued: await enqueueDriftChecks(due) };
  },
});
