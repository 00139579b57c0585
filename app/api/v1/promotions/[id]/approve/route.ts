import { apiChange } from "@/lib/api/api-route";
import { approvePromotion } from "@/lib/approvals/decide-approval";

/** `POST /api/v1/promotions/{id}/approve` `{"comment"}`: the same rules as the console's approve button. */
export const POST = apiChange(approvePromotion, {
  input: (body, params) => ({ ...(body as object), promotionId: params.id }),
});
