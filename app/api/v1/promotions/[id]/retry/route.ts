import { apiChange } from "@/lib/api/api-route";
import { retryPromotion } from "@/lib/promotions/retry-promotion";

/** No body: the promotion is the one in the path. */
export const POST = apiChange(retryPromotion, { input: (_body, params) => ({ id: params.id }) });
