import "server-only";
import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import type { z } from "zod";
import { clientFromHeaders } from "@/lib/audit/request-context";
import { getCurrentUser } from "@/lib/auth/get-current-user";
import { runChange, type ChangeDefinition } from "@/lib/change/run-change";

export type ActionResult<T> =
  { ok: true; data: T } | { ok: false; error: string; fieldErrors?: Record<string, string> };

/**
 * A server action from a change definition: resolves the signed-in user, then runs the
 * change through `runChange` (permission, validation, transaction, audit, safe errors).
 * Export it from a "use server" module.
 */
export function defineAction<S extends z.ZodType, T, P>(
  definition: ChangeDefinition<S, T, P>,
  options: { revalidate?: string } = {},
) {
  return async (input: z.input<S>): Promise<ActionResult<T>> => {
    const user = await getCurrentUser();
    const caller = user && { userId: user.id, email: user.email, role: user.role };
    const result = await runChange(definition, caller, input, clientFromHeaders(await headers()));
    if (result.ok) {
      // Pages that show what changed render again on their next request.
      if (options.revalidate) revalidatePath(options.revalidate);
      return result;
    }
    return { ok: false, error: result.error, ...(result.fieldErrors ? { fieldErrors: result.fieldErrors } : {}) };
  };
}
