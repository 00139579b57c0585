import { apiChange } from "@/lib/api/api-route";
import { checkRegistryDrift } from "@/lib/promotions/check-registry-drift";

/** No body: reads the target's promoted tags now and answers what drifted. */
export const POST = apiChange(checkRegistryDrift, { input: (_body, params) => ({ id: params.id }) });
