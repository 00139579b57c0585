import { UserError } from "@/lib/change/errors";
import { describeIssues } from "@/lib/change/run-change";
import { apiChange, apiRead } from "@/lib/api/api-route";
import { createPromotion } from "@/lib/promotions/create-promotion";
import { listPromotionsSchema } from "@/lib/promotions/promotion.schema";
import { listPromotions } from "@/lib/promotions/promotion-view";

/** `?status=running&limit=50&cursor=<id>` → `{ promotions, nextCursor }`, newest first. */
export const GET = apiRead({
  permission: "promotions.read",
  read: async ({ request }) => {
    const query = Object.fromEntries(new URL(request.url).searchParams);
    const parsed = listPromotionsSchema.safeParse(query);
    if (!parsed.success) {
      const { error, fieldErrors } = describeIssues(parsed.error);
      throw new UserError(error, Object.keys(fieldErrors)[0]);
    }
    return listPromotions(parsed.data);
  },
});

/** `{ releaseId, targetRegistryId, repositoryPrefix | repositoryNames }` → 201 `{ id, status, planHash, plan }`. */
export const POST = apiChange(createPromotion, { status: 201 });
