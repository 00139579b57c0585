import { NotFoundError } from "@/lib/change/errors";
import { apiRead } from "@/lib/api/api-route";
import { getPromotion } from "@/lib/promotions/promotion-view";

export const GET = apiRead({
  permission: "promotions.read",
  read: async ({ params }) => {
    const id = String(params.id);
    const promotion = await getPromotion(id);
    if (!promotion) throw new NotFoundError(`id: no promotion ${JSON.stringify(id.slice(0, 40))}`);
    return promotion;
  },
});
