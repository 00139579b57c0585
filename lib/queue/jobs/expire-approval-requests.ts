import { z } from "zod";
import { expireApprovalRequests } from "@/lib/approvals/expire-approval-requests";
import { defineJob } from "../job-definition";

/** Hourly: approval requests past their expiry end `rejected` (GANTRY_APPROVAL_EXPIRY_DAYS). */
export const expireApprovalRequestsJob = defineJob({
  name: "approvals.expire",
  schema: z.object({}).loose(),
  retry: { limit: 2, delaySeconds: 60, backoff: true },
  expireInSeconds: 300,
  cron: "7 * * * *",
  async handler() {
    return { expired: await expireApprovalRequests() };
  },
});
