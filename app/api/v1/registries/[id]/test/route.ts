import { apiChange } from "@/lib/api/api-route";
import { testSavedConnection } from "@/lib/connections/test-saved-connection";

/** Body: `{ "purpose": "source" | "target" }` (default target); answers the step list. */
export const POST = apiChange(testSavedConnection, {
  input: (body, params) => ({ purpose: (body as { purpose?: unknown } | null)?.purpose, id: params.id }),
});
