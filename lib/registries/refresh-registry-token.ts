import "server-only";
import type { RegistryConnection } from "./connection";
import { openRegistry, type OpenRegistryOptions } from "./open-registry";

/**
 * For the scheduled job that keeps short-lived registry tokens (ECR, Google) fresh: asks
 * the connection for credentials, which renews its token once it is inside the renewal
 * margin, and returns the expiry to store and count down. Null for providers whose
 * credentials do not expire.
 */
export async function refreshRegistryToken(
  connection: RegistryConnection,
  options: OpenRegistryOptions & { signal?: AbortSignal } = {},
): Promise<{ tokenExpiresAt: Date | null }> {
  const adapter = await openRegistry(connection, options);
  try {
    if (!adapter.tokenExpiresAt) return { tokenExpiresAt: null };
    await adapter.authenticator.credentials({ registry: adapter.registry, signal: options.signal });
    return { tokenExpiresAt: adapter.tokenExpiresAt() };
  } finally {
    await adapter.close();
  }
}
