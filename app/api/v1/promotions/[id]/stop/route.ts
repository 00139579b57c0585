import { apiChange } from "@/lib/api/api-route";
import { stopPromotion } from "@/lib/promotions/stop-promotion";

/** No body: the promotion is the one in the path. */
export const POST = apiChange(stopPromotion, { input: (_body, params) => ({ id: params.id }) });
