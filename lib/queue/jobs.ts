import type { JobDefinition } from "./job-definition";
import { archiveAuditEventsJob } from "./jobs/archive-audit-events";
import { deliverWebhook } from "./jobs/deliver-webhook";
import { deliverWebhookSweep } from "./jobs/deliver-webhook-sweep";
import { expireApprovalRequestsJob } from "./jobs/expire-approval-requests";
import { promoteImage } from "./jobs/promote-image";
import { recoverStalledImagesJob } from "./jobs/promote-recover-stalled";
import { pruneHousekeeping } from "./jobs/prune-housekeeping";
import { refreshRegistryTokens } from "./jobs/refresh-registry-tokens";
import { syncChannelJob } from "./jobs/sync-channel";
import { syncDueChannels } from "./jobs/sync-due-channels";

/** Every job a worker runs. A job missing here is never picked up. */
export const jobs: JobDefinition[] = [
  pruneHousekeeping,
  refreshRegistryTokens,
  archiveAuditEventsJob,
  syncChannelJob,
  syncDueChannels,
  promoteImage,
  recoverStalledImagesJob,
  expireApprovalRequestsJob,
  deliverWebhook,
  deliverWebhookSweep,
];
