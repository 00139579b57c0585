import { apiChange } from "@/lib/api/api-route";
import { resumePromotion } from "@/lib/promotions/resume-promotion";

/** No body: the promotion is the one in the path. */
export const POST = apiChange(resumePromotion, { input: (_body, params) => ({ id: params.id }) });
