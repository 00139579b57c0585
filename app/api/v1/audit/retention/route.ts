import { apiChange, apiRead } from "@/lib/api/api-route";
import { getAuditRetentionDays, setAuditRetention } from "@/lib/audit/audit-retention";

/** `GET` → `{ days }` (null: kept forever); `PUT {"days": 365}` (admins) sets it, audited. */
export const GET = apiRead({ permission: "audit.read", read: async () => ({ days: await getAuditRetentionDays() }) });

export const PUT = apiChange(setAuditRetention);
