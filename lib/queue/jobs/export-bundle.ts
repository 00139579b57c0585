import { z } from "zod";
import { defineJob } from "../job-definition";

/**
 * Writes one requested release bundle into GANTRY_BUNDLE_DIR (see runBundleExport). A retry,
 * or a run after a worker restart, resumes the export where the file stopped. "stately" with
 * the export id as singleton key: one run per export at a time.
 */
export const exportBundleJob = defineJob({
  name: "export-bundle",
  schema: z.object({ exportId: z.string().min(1) }),
  retry: { limit: 3, delaySeconds: 10, backoff: true },
  expireInSeconds: 6 * 60 * 60,
  policy: "stately",
  concurrency: 1,
  pollingIntervalSeconds: 0.5,
  async handler(data, context) {
    // Imported when run, so the domain can send this job without an import cycle.
    const { runBundleExport } = await import("@/lib/bundles/run-bundle-export");
    return runBundleExport(data.exportId, { signal: context.signal });
  },
});
