import type { Metadata } from "next";
import Link from "next/link";
import { ApprovalPanel } from "@/components/approvals/approval-panel";
import { Bytes } from "@/components/ui/bytes";
import { Digest } from "@/components/ui/digest";
import { EmptyState } from "@/components/ui/empty-state";
import { ApprovalsIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { listApprovalRequests } from "@/lib/approvals/list-approval-requests";
import { requireUser } from "@/lib/auth/get-current-user";
import { can } from "@/lib/auth/permissions";

export const metadata: Metadata = { title: "Approvals" };

export default async function ApprovalsPage() {
  const user = await requireUser();
  const canDecide = can(user.role, "approvals.decide");
  const requests = await listApprovalRequests({ id: user.id, role: user.role });
  const mine = requests.filter((r) => r.awaitsYou);
  const others = requests.filter((r) => !r.awaitsYou);

  return (
    <>
      <PageHeader
        title="Approvals"
        description="Promotions that wait for a teammate's approval before any image moves. An approval binds to the exact digests, target and mapping shown."
      />
      {requests.length === 0 ? (
        <EmptyState
          icon={<ApprovalsIcon />}
          title="Nothing waiting for you"
          description={
            canDecide
              ? "When someone asks to promote a release to a registry that requires approval, the request appears here for you to approve or reject."
              : "Approvers and admins decide on promotion requests; with your role you can follow them on the Promotions page."
          }
        />
      ) : (
        <div className="space-y-8">
          {[
            { title: "Waiting for you", items: mine },
            { title: "Waiting for others", items: others },
          ]
            .filter((group) => group.items.length > 0)
            .map((group) => (
              <section key={group.title} className="space-y-4">
                <h2 className="text-sm font-semibold text-muted">{group.title}</h2>
                {group.items.map((request) => (
                  <div key={request.state.promotionId} className="space-y-2">
                    <div className="flex flex-wrap items-baseline gap-x-3 text-sm">
                      <Link
                        href={`/promotions/${request.state.promotionId}`}
                        className="font-medium text-accent hover:underline"
                      >
                        {request.release.channelName} {request.release.tag} → {request.target.name}
                      </Link>
                      <span className="text-muted">{request.target.endpoint}</span>
                    </div>
                    <ul className="grid gap-1 text-sm">
                      {request.images.map((image) => (
                        <li key={image.component} className="flex flex-wrap items-center gap-x-3">
                          <span className="font-mono text-[13px]">{image.target}</span>
                          <Digest value={image.digest} />
                          <Bytes value={image.size} />
                        </li>
                      ))}
                    </ul>
                    <ApprovalPanel
                      state={request.state}
                      viewer={{ id: user.id, role: user.role }}
                      title={`Approval of ${request.release.tag}`}
                    />
                  </div>
                ))}
              </section>
            ))}
        </div>
      )}
    </>
  );
}
