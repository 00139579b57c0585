import { apiChange } from "@/lib/api/api-route";
import { rejectPromotion } from "@/lib/approvals/decide-approval";

/** `POST /api/v1/promotions/{id}/reject` `{"comment"}`. */
export const POST = apiChange(rejectPromotion, {
  input: (body, params) => ({ ...(body as object), promotionId: params.id }),
});
