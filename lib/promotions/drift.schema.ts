import { z } from "zod";

/** Body of a drift check: the target registry's id (from the route). */
export const driftCheckSchema = z.object({
  id: z.string({ error: "expected the registry's id" }).trim().min(1, "expected the registry's id").max(64),
});
