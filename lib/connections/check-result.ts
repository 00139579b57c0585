import { z } from "zod";
import { checkStepIds } from "@/lib/registries/connection-check/step";

/**
 * The last connection check as stored on the Registry row (`lastCheckResult`): the step list
 * of lib/registries' testConnection plus what it was checked for. Every message was scrubbed
 * of the connection's secrets before it was stored.
 */
export const storedCheckSchema = z.object({
  ok: z.boolean(),
  checkedAt: z.string(),
  purpose: z.enum(["source", "target"]),
  steps: z.array(
    z.object({
      id: z.enum(checkStepIds),
      label: z.string(),
      status: z.enum(["passed", "failed", "skipped"]),
      message: z.string(),
      durationMs: z.number(),
    }),
  ),
  tokenExpiresAt: z.string().optional(),
  repositories: z.array(z.string()).optional(),
});

export type StoredCheck = z.infer<typeof storedCheckSchema>;
export type CheckPurpose = StoredCheck["purpose"];

/** A stored result, or null when there is none or it is from an older shape. */
export function parseStoredCheck(value: unknown): StoredCheck | null {
  const parsed = storedCheckSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
