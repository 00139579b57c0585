import "server-only";
import crypto from "node:crypto";
import { isUserError, userErrorFields } from "@/lib/change/errors";
import { describeIssues, type Caller, type ChangeResult } from "@/lib/change/run-change";
import { can, permissions } from "@/lib/auth/permissions";
import { log, scrubUrlCredentials } from "@/lib/log";
import { planPromotion } from "./plan-promotion";
import type { PromotionPlan } from "./promotion-plan";
import { promotionInputSchema } from "./promotion-schemas";

/**
 * planPromotion for a caller: the permission of creating a promotion, the same validation,
 * and errors made safe to show, like a change but with nothing written (so no audit event).
 */
export async function previewPromotionFor(
  caller: Caller | null,
  rawInput: unknown,
  options: { signal?: AbortSignal } = {},
): Promise<ChangeResult<PromotionPlan>> {
  if (!caller) return { ok: false, error: "Sign in to continue.", status: 401 };
  if (!can(caller.role, "promotions.create")) {
    return {
      ok: false,
      status: 403,
      error: `Your role (${caller.role}) cannot do this: it needs ${permissions["promotions.create"]} or above.`,
    };
  }
  const parsed = promotionInputSchema.safeParse(rawInput);
  if (!parsed.success) return { ok: false, status: 400, ...describeIssues(parsed.error) };
  try {
    return { ok: true, data: (await planPromotion(parsed.data, options)).plan };
  } catch (error) {
    if (isUserError(error)) {
      const fieldErrors = userErrorFields(error);
      return { ok: false, error: error.message, status: error.status, ...(fieldErrors ? { fieldErrors } : {}) };
    }
    const reference = crypto.randomUUID().slice(0, 8);
    log.error(
      { err: { message: scrubUrlCredentials(String((error as Error)?.message ?? error)) }, reference },
      "promotion plan failed",
    );
    return {
      ok: false,
      status: 500,
      error: `Something went wrong on our side (reference ${reference}). Nothing was changed.`,
    };
  }
}
