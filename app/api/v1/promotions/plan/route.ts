import { UserError } from "@/lib/change/errors";
import { apiRead, jsonBodyOrResponse } from "@/lib/api/api-route";
import { previewPromotionFor } from "@/lib/promotions/preview-promotion";

/** The plan for the body `POST /api/v1/promotions` takes, with nothing created. */
export const POST = apiRead({
  permission: "promotions.create",
  read: async ({ caller, request }) => {
    const body = await jsonBodyOrResponse(request);
    if (body instanceof Response) return body;
    const result = await previewPromotionFor(caller, body, { signal: request.signal });
    if (!result.ok)
      throw new UserError(
        result.error,
        result.fieldErrors ? Object.keys(result.fieldErrors)[0] : undefined,
        result.status,
      );
    return result.data;
  },
});
