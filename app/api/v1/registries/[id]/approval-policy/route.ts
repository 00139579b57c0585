import { apiChange } from "@/lib/api/api-route";
import { setRegistryApprovalPolicy } from "@/lib/approvals/approval-policy";

/** `PUT /api/v1/registries/{id}/approval-policy` `{"approvalsRequired": 2}` (admins). */
export const PUT = apiChange(setRegistryApprovalPolicy, {
  input: (body, params) => ({ ...(body as object), registryId: params.id }),
});
