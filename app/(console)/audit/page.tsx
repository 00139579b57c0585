import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { AuditIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/get-current-user";

export const metadata: Metadata = { title: "Audit" };

export default async function AuditPage() {
  await requireUser();

  return (
    <>
      <PageHeader
        title="Audit"
        description="Who did what, to which thing, when and from where. Append-only and hash-chained."
      />
      <EmptyState
        icon={<AuditIcon />}
        title="No events yet"
        description="Connecting a registry, requesting a promotion or deciding on one records an event here."
      />
    </>
  );
}
