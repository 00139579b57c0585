import { apiChange, apiRead } from "@/lib/api/api-route";
import { createApiToken } from "@/lib/auth/api-tokens";
import { listApiTokens } from "@/lib/users/list-users";

export const GET = apiRead({ permission: "tokens.read", read: async () => ({ tokens: await listApiTokens() }) });

export const POST = apiChange(createApiToken, { status: 201 });
