import { z } from "zod";
import { UserError } from "@/lib/change/errors";
import type { ChangeDefinition } from "@/lib/change/run-change";
import { endSessions } from "./session-user";

export const signOutEverywhereSchema = z.object({});

/**
 * Ends every session of the caller, on every device: the session cookie is a signed JWT that
 * stays valid until it expires, so signing out only by clearing this browser's copy would
 * leave any other copy working for up to 12 hours. The console's Sign out runs this first.
 */
export const signOutEverywhere: ChangeDefinition<typeof signOutEverywhereSchema, { ended: true }> = {
  permission: "sessions.end",
  schema: signOutEverywhereSchema,
  async run({ caller, tx, audit }) {
    if (!caller.userId) throw new UserError("Only a signed-in user has sessions to end.", "userId");
    await endSessions(tx, caller.userId);
    await audit({ action: "auth.sign_out", targetType: "user", targetId: caller.userId, detail: { everywhere: true } });
    return { ended: true };
  },
};
