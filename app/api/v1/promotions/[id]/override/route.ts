import { apiChange } from "@/lib/api/api-route";
import { overrideApproval } from "@/lib/approvals/decide-approval";

/** `POST /api/v1/promotions/{id}/override` `{"reason"}` (admins): starts it without the approvals, audited with the reason. */
export const POST = apiChange(overrideApproval, {
  input: (body, params) => ({ ...(body as object), promotionId: params.id }),
});
