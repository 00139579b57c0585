import { z } from "zod";

/** `PUT /api/v1/settings/trusted-root`: the contents of sigstore's trusted_root.json, as JSON or as its text. */
export const trustedRootSchema = z.object({
  trustedRoot: z.union([z.record(z.string(), z.unknown()), z.string()], {
    error: "trustedRoot: expected the contents of trusted_root.json",
  }),
});
