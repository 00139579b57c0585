"use server";

import { setAuditRetention } from "@/lib/audit/audit-retention";
import { verifyAuditTrail } from "@/lib/audit/verify-audit-trail";
import { defineAction } from "./action-client";

export const runAuditVerification = defineAction(verifyAuditTrail);

export const saveAuditRetention = defineAction(setAuditRetention, { revalidate: "/audit/verify" });
