import { z } from "zod";
import { db } from "@/lib/db/prisma";
import { signInLimits } from "@/lib/auth/sign-in-with-password";
import { defineJob } from "../job-definition";

/** Drops sign-in attempts older than the rate-limit window needs and heartbeats of workers long gone. */
export const pruneHousekeepingJob = defineJob({
  name: "housekeeping.prune",
  schema: z.object({}).loose(),
  retry: { limit: 2, delaySeconds: 60, backoff: true },
  expireInSeconds: 300,
  cron: "17 * * * *",
  async handler() {
    const attemptsBefore = new Date(Date.now() - Math.max(24 * 60, signInLimits.windowMinutes * 4) * 60_000);
    const heartbeatsBefore = new Date(Date.now() - 24 * 3600_000);
    const [attempts, heartbeats] = await Promise.all([
      db().signInAttempt.deleteMany({ where: { createdAt: { lt: attemptsBefore } } }),
      db().workerHeartbeat.deleteMany({ where: { beatAt: { lt: heartbeatsBefore } } }),
    ]);
    return { signInAttempts: attempts.count, heartbeats: heartbeats.count };
  },
});
