import { apiChange } from "@/lib/api/api-route";
import { revokeApiToken } from "@/lib/auth/api-tokens";

export const POST = apiChange(revokeApiToken, { input: (_body, params) => ({ tokenId: params.id }) });
