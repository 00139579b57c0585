"use server";

import { approvePromotion, overrideApproval, rejectPromotion } from "@/lib/approvals/decide-approval";
import { setRegistryApprovalPolicy } from "@/lib/approvals/approval-policy";
import { withdrawApprovalRequest } from "@/lib/approvals/withdraw-approval-request";
import { defineAction } from "./action-client";

export const approve = defineAction(approvePromotion, { revalidate: "/approvals" });

export const reject = defineAction(rejectPromotion, { revalidate: "/approvals" });

export const override = defineAction(overrideApproval, { revalidate: "/approvals" });

export const withdraw = defineAction(withdrawApprovalRequest, { revalidate: "/approvals" });

export const setRegistryApprovals = defineAction(setRegistryApprovalPolicy, { revalidate: "/registries" });
