import { apiRead } from "@/lib/api/api-route";

/** Who the token or session is: handy to check a CI pipeline's token. */
export const GET = apiRead({
  permission: "console.read",
  async read({ caller }) {
    return { email: caller.email, role: caller.role, token: caller.tokenName ?? null };
  },
});
