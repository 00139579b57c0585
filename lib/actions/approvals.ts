"use server";

import { approvePromotion, overrideApproval, rejectPromotion } from "@/lib/approvals/decide-approval";
import { defineAction } from "./action-client";

export const approve = defineAction(approvePromotion, { revalidate: "/approvals" });

export const reject = defineAction(rejectPromotion, { revalidate: "/approvals" });

export const override = defineAction(overrideApproval, { revalidate: "/approvals" });
