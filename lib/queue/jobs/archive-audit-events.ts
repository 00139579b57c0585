import { z } from "zod";
import { archiveAuditEvents } from "@/lib/audit/archive-audit-events";
import { auditArchiveDir } from "@/lib/audit/archive-dir";
import { getAuditRetentionDays } from "@/lib/audit/audit-retention";
import { defineJob } from "../job-definition";

/**
 * Daily: when an admin set a retention ("audit.retentionDays"), archives older audit events
 * to a gzip JSON Lines file and removes them from the database (see archiveAuditEvents).
 */
export const archiveAuditEventsJob = defineJob({
  name: "audit.archive",
  schema: z.object({}).loose(),
  retry: { limit: 2, delaySeconds: 600, backoff: true },
  expireInSeconds: 3600,
  cron: "41 3 * * *",
  async handler() {
    const days = await getAuditRetentionDays();
    if (days === null) return { skipped: "no retention set" };
    const archived = await archiveAuditEvents({
      olderThan: new Date(Date.now() - days * 86_400_000),
      dir: auditArchiveDir(),
    });
    return archived ?? { archived: 0 };
  },
});
