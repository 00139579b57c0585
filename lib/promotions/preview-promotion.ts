import "server-only";
import { runQuery, type Caller, type ChangeResult, type QueryDefinition } from "@/lib/change/run-change";
import { planPromotion } from "./plan-promotion";
import type { PromotionPlan } from "./promotion-plan";
import { promotionInputSchema } from "./promotion.schema";

/** The plan of a promotion without creating it: the permission and input of creating one. */
export const previewPromotion: QueryDefinition<typeof promotionInputSchema, PromotionPlan> = {
  permission: "promotions.create",
  schema: promotionInputSchema,
  async run({ input, signal }) {
    return (await planPromotion(input, { signal })).plan;
  },
};

export function previewPromotionFor(
  caller: Caller | null,
  rawInput: unknown,
  options: { signal?: AbortSignal } = {},
): Promise<ChangeResult<PromotionPlan>> {
  return runQuery(previewPromotion, caller, rawInput, options);
}
