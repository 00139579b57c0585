import "server-only";
import { isUserError } from "@/lib/change/errors";
import { db } from "@/lib/db/prisma";
import { log } from "@/lib/log";
import { redact } from "@/lib/oci/redact";
import { messageOf } from "@/lib/registries/connection-check/access-probes";
import { refreshRegistryToken } from "@/lib/registries/refresh-registry-token";
import { toRegistryConnection } from "./load-connection";

/** Providers whose registry credentials are short-lived tokens minted from a long-lived secret. */
const EXPIRING = ["ecr", "artifact_registry", "gcr"] as const;

export interface TokenRefreshSummary {
  refreshed: number;
  failed: number;
}

/**
 * Renews the short-lived registry token of every ECR and Google connection that is inside
 * its renewal margin, and stores each expiry for the console's countdown. One connection
 * failing does not stop the others; its failure is logged without secrets. The expiry is
 * derived state, like a cache, so it is not audited (it would add an event per connection
 * every ten minutes).
 */
export async function refreshConnectionTokens(options: { signal?: AbortSignal } = {}): Promise<TokenRefreshSummary> {
  const rows = await db().registry.findMany({ where: { provider: { in: [...EXPIRING] } }, orderBy: { name: "asc" } });
  const summary: TokenRefreshSummary = { refreshed: 0, failed: 0 };
  for (const row of rows) {
    if (options.signal?.aborted) break;
    let secret: string | null | undefined;
    try {
      const connection = toRegistryConnection(row);
      secret = connection.secret;
      const { tokenExpiresAt } = await refreshRegistryToken(connection, { signal: options.signal });
      await db().registry.updateMany({
        where: { id: row.id, secretCiphertext: row.secretCiphertext },
        data: { tokenExpiresAt },
      });
      summary.refreshed += 1;
    } catch (error) {
      summary.failed += 1;
      // A UserError (a key problem) and our registry errors are written for people; anything else is named only.
      const problem = redact(isUserError(error) ? error.message : messageOf(error), secret ? [secret] : []);
      log.warn({ registry: row.name, registryId: row.id, problem }, "registry token refresh failed");
    }
  }
  return summary;
}
