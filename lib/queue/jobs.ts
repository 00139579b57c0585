import type { JobDefinition } from "./job-definition";
import { archiveAuditEventsJob } from "./jobs/archive-audit-events";
import { checkDriftDueJob } from "./jobs/check-drift-due";
import { checkRegistryDriftJob } from "./jobs/check-registry-drift";
import { deliverWebhookJob } from "./jobs/deliver-webhook";
import { deliverWebhookSweepJob } from "./jobs/deliver-webhook-sweep";
import { exportBundleJob } from "./jobs/export-bundle";
import { expireApprovalRequestsJob } from "./jobs/expire-approval-requests";
import { promoteImageJob } from "./jobs/promote-image";
import { recoverStalledImagesJob } from "./jobs/promote-recover-stalled";
import { pruneHousekeepingJob } from "./jobs/prune-housekeeping";
import { refreshRegistryTokensJob } from "./jobs/refresh-registry-tokens";
import { syncChannelJob } from "./jobs/sync-channel";
import { syncDueChannelsJob } from "./jobs/sync-due-channels";

/** Every job a worker runs. A job missing here is never picked up. */
export const jobs: JobDefinition[] = [
  pruneHousekeepingJob,
  refreshRegistryTokensJob,
  archiveAuditEventsJob,
  syncChannelJob,
  syncDueChannelsJob,
  promoteImageJob,
  recoverStalledImagesJob,
  expireApprovalRequestsJob,
  deliverWebhookJob,
  deliverWebhookSweepJob,
  checkRegistryDriftJob,
  checkDriftDueJob,
  exportBundleJob,
];
