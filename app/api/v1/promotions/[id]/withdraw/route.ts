import { apiChange } from "@/lib/api/api-route";
import { withdrawApprovalRequest } from "@/lib/approvals/withdraw-approval-request";

/** `POST /api/v1/promotions/{id}/withdraw` `{"comment"}`: the requester takes back an undecided request. */
export const POST = apiChange(withdrawApprovalRequest, {
  input: (body, params) => ({ ...(body as object), promotionId: params.id }),
});
