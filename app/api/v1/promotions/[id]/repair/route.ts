import { apiChange } from "@/lib/api/api-route";
import { repairPromotion } from "@/lib/promotions/repair-promotion";

/** No body: the promotion is the one in the path. */
export const POST = apiChange(repairPromotion, { input: (_body, params) => ({ id: params.id }) });
