import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ApprovalPanel } from "@/components/approvals/approval-panel";
import { LivePromotion } from "@/components/promotions/live-promotion";
import { loadPromotionApproval } from "@/lib/approvals/approval-state";
import { requireUser } from "@/lib/auth/get-current-user";
import { can } from "@/lib/auth/permissions";
import { getPromotion } from "@/lib/promotions/promotion-view";
import { rollbackOffer } from "@/lib/promotions/rollback-offer";

export const metadata: Metadata = { title: "Promotion" };

/** One promotion, live: rendered here with the current view, then kept current by its event stream. */
export default async function PromotionPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const promotion = await getPromotion((await params).id);
  if (!promotion) notFound();
  const approval = await loadPromotionApproval(promotion);
  const rollback = can(user.role, "promotions.create") ? await rollbackOffer(promotion.id) : null;
  return (
    <LivePromotion
      key={promotion.id}
      initial={promotion}
      canControl={can(user.role, "promotions.control")}
      canRepair={can(user.role, "promotions.create")}
      rollback={rollback}
      approval={approval ? <ApprovalPanel state={approval} viewer={{ id: user.id, role: user.role }} /> : null}
    />
  );
}
