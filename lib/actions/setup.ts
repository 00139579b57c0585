"use server";

import { headers } from "next/headers";
import { clientFromHeaders } from "@/lib/audit/request-context";
import { changeFailure } from "@/lib/change/run-change";
import { bootstrapAdmin } from "@/lib/users/bootstrap-admin";
import type { ActionResult } from "./action-client";

/**
 * First-run setup: creates the first admin while no user exists, and refuses afterwards.
 * It is the only action open to anonymous callers, and only until that first user exists.
 */
export async function createFirstAdmin(input: {
  email: string;
  password: string;
  name?: string;
}): Promise<ActionResult<{ email: string }>> {
  const client = clientFromHeaders(await headers());
  try {
    const created = await bootstrapAdmin(input, { actorId: null, actorLabel: `first-run:${input.email}`, ...client });
    if (!created) return { ok: false, error: "Setup is already done: sign in instead." };
    return { ok: true, data: { email: input.email.trim().toLowerCase() } };
  } catch (error) {
    // A UserError (a bad e-mail or password) as written; anything else as a generic message.
    const { error: message, fieldErrors } = changeFailure(error, { action: "setup" });
    return { ok: false, error: message, ...(fieldErrors ? { fieldErrors } : {}) };
  }
}
