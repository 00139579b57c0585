import type { Metadata } from "next";
import { ForbiddenNotice } from "@/components/forbidden-notice";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/get-current-user";
import { can } from "@/lib/auth/permissions";
import { listWebhooks } from "@/lib/webhooks/webhook-view";
import { CreateWebhookForm } from "./create-webhook-form";
import { SignatureHelp } from "./signature-help";
import { WebhooksTable } from "./webhooks-table";

export const metadata: Metadata = { title: "Webhooks" };

export default async function WebhooksPage() {
  const me = await requireUser();
  if (!can(me.role, "webhooks.read")) return <ForbiddenNotice permission="webhooks.read" />;
  const webhooks = await listWebhooks();
  return (
    <>
      <PageHeader
        title="Webhooks"
        description="Tell chat and CI about promotions: Gantry POSTs a signed event when one is requested, approved, rejected, started, succeeds, fails or is stopped."
      />
      <div className="space-y-6">
        <WebhooksTable webhooks={webhooks} />
        {can(me.role, "settings.write") ? <CreateWebhookForm /> : null}
        <SignatureHelp />
      </div>
    </>
  );
}
