import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { ApprovalsIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { requireUser } from "@/lib/auth/get-current-user";
import { can } from "@/lib/auth/permissions";

export const metadata: Metadata = { title: "Approvals" };

export default async function ApprovalsPage() {
  const user = await requireUser();
  const canDecide = can(user.role, "approvals.decide");

  return (
    <>
      <PageHeader
        title="Approvals"
        description="Promotions that wait for a teammate's approval before any image moves."
      />
      <EmptyState
        icon={<ApprovalsIcon />}
        title="Nothing waiting for you"
        description={
          canDecide
            ? "When someone asks to promote a release to a registry that requires approval, the request appears here for you to approve or reject."
            : "Approvers and admins decide on promotion requests; with your role you can follow them on the Promotions page."
        }
      />
    </>
  );
}
