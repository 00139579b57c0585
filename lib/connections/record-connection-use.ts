import "server-only";
import type { RegistryUse } from "@/lib/db/generated/client";
import { db } from "@/lib/db/prisma";
import { log } from "@/lib/log";

/** A success is written again only after this long: many images pushing at once touch the row a few times, not per image. */
const SUCCESS_REFRESH_MS = 5_000;
const MAX_ERROR_LENGTH = 300;

export type ConnectionUse = { by: RegistryUse; ok: true } | { by: RegistryUse; ok: false; error: string };

/**
 * Records what a real use of a connection showed (a channel sync reading its source, a
 * promotion pushing to its target) beside the manual check. Raw SQL so the connection's
 * `updatedAt`, which means "edited", does not move. Never throws: a sync or a push that
 * worked must not fail because its health could not be written.
 *
 * The error must already be scrubbed of secrets (sync failures and image failures are).
 */
export async function recordConnectionUse(registryId: string, use: ConnectionUse): Promise<void> {
  const now = new Date();
  try {
    if (use.ok) {
      const stale = new Date(now.getTime() - SUCCESS_REFRESH_MS);
      // A success right after an error is written at once, so the page never shows an error that has passed.
      await db().$executeRaw`
        UPDATE "Registry" SET "lastUseOkAt" = ${now}, "lastUseOkBy" = ${use.by}::"RegistryUse"
        WHERE id = ${registryId}
          AND ("lastUseOkAt" IS NULL OR "lastUseOkAt" < ${stale} OR "lastUseErrorAt" >= "lastUseOkAt")`;
    } else {
      const error = use.error.split("\n")[0]!.slice(0, MAX_ERROR_LENGTH);
      await db().$executeRaw`
        UPDATE "Registry"
        SET "lastUseErrorAt" = ${now}, "lastUseErrorBy" = ${use.by}::"RegistryUse", "lastUseError" = ${error}
        WHERE id = ${registryId}`;
    }
  } catch (error) {
    log.warn({ registryId, err: error instanceof Error ? error.name : typeof error }, "connection use not recorded");
  }
}
