"use server";

import { createPromotion } from "@/lib/promotions/create-promotion";
import { previewPromotionFor } from "@/lib/promotions/preview-promotion";
import type { PromotionPlan } from "@/lib/promotions/promotion-plan";
import type { PromotionInput } from "@/lib/promotions/promotion.schema";
import { repairPromotion as repairPromotionChange } from "@/lib/promotions/repair-promotion";
import { resumePromotion as resumePromotionChange } from "@/lib/promotions/resume-promotion";
import { retryPromotion as retryPromotionChange } from "@/lib/promotions/retry-promotion";
import { stopPromotion as stopPromotionChange } from "@/lib/promotions/stop-promotion";
import { getCurrentUser } from "@/lib/auth/get-current-user";
import { defineAction, type ActionResult } from "./action-client";

/** Creates the promotion (plan, plan hash, pending images) and starts it unless approvals are required. */
export const promote = defineAction(createPromotion, { revalidate: "/promotions" });

export const stopPromotion = defineAction(stopPromotionChange, { revalidate: "/promotions" });

export const resumePromotion = defineAction(resumePromotionChange, { revalidate: "/promotions" });

export const retryPromotion = defineAction(retryPromotionChange, { revalidate: "/promotions" });

/** Re-promotes a drifted promotion's release to its target (a new promotion by the normal path). */
export const repairPromotion = defineAction(repairPromotionChange, { revalidate: "/promotions" });

/** The plan of a promotion, without creating it: same permission and input as `promote`. */
export async function previewPromotion(input: PromotionInput): Promise<ActionResult<PromotionPlan>> {
  const user = await getCurrentUser();
  return previewPromotionFor(user && { userId: user.id, email: user.email, role: user.role }, input);
}
