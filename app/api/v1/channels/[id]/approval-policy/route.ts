import { apiChange } from "@/lib/api/api-route";
import { setChannelApprovalPolicy } from "@/lib/approvals/approval-policy";

/** `PUT /api/v1/channels/{id}/approval-policy` `{"approvalsRequired": 2 | null}` (admins; null follows the target's policy). */
export const PUT = apiChange(setChannelApprovalPolicy, {
  input: (body, params) => ({ ...(body as object), channelId: params.id }),
});
