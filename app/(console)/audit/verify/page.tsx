import type { Metadata } from "next";
import { ForbiddenNotice } from "@/components/forbidden-notice";
import { PageHeader } from "@/components/ui/page-header";
import { getAuditRetentionDays } from "@/lib/audit/audit-retention";
import { requireUser } from "@/lib/auth/get-current-user";
import { can } from "@/lib/auth/permissions";
import { RetentionForm } from "./retention-form";
import { VerifyPanel } from "./verify-panel";

export const metadata: Metadata = { title: "Verify audit trail" };

export default async function AuditVerifyPage() {
  const user = await requireUser();
  if (!can(user.role, "audit.verify")) return <ForbiddenNotice permission="audit.verify" />;
  const days = await getAuditRetentionDays();
  return (
    <>
      <PageHeader
        title="Verify and retain"
        description="Check that no audit event was edited, removed or inserted behind Gantry's back, and decide how long events stay in the database."
      />
      <div className="space-y-6">
        <VerifyPanel />
        {can(user.role, "settings.write") ? <RetentionForm days={days} /> : null}
      </div>
    </>
  );
}
