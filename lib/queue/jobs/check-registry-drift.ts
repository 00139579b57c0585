import { z } from "zod";
import { defineJob } from "../job-definition";

/**
 * Reads every tag Gantry promoted to one target and flags those moved or gone ("stately" with
 * the registry id as singleton key: two looks at one target never overlap). A target that
 * cannot be read fails the job; the next interval tries again.
 */
export const checkRegistryDriftJob = defineJob({
  name: "check-registry-drift",
  schema: z.object({ registryId: z.string().min(1) }),
  retry: { limit: 0, delaySeconds: 60, backoff: false },
  expireInSeconds: 300,
  policy: "stately",
  concurrency: 1,
  async handler(data, context) {
    // Imported when run, so the domain can send this job without an import cycle.
    const { runScheduledDriftCheck } = await import("@/lib/promotions/check-registry-drift");
    return runScheduledDriftCheck(data.registryId, { signal: context.signal });
  },
});
