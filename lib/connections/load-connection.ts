import "server-only";
import { NotFoundError, UserError } from "@/lib/change/errors";
import type { Registry } from "@/lib/db/generated/client";
import { db, type Db, type Tx } from "@/lib/db/prisma";
import type { RegistryConnection } from "@/lib/registries/connection";
import { SecretKeyError } from "@/lib/secrets/secret-box";
import { openRegistrySecret } from "./registry-secret";

export interface LoadedConnection {
  row: Registry;
  /** The connection as lib/registries takes it, its secret decrypted: keep it on the server. */
  connection: RegistryConnection;
}

/**
 * The one place the application opens a registry's secret: a stored row becomes the
 * connection lib/registries uses. Server-only; nothing it returns may reach a page.
 */
export async function loadConnection(id: string, client: Db | Tx = db()): Promise<LoadedConnection> {
  const row = await client.registry.findUnique({ where: { id } });
  if (!row) throw new NotFoundError(`id: no registry connection ${JSON.stringify(id.slice(0, 40))}`);
  return { row, connection: toRegistryConnection(row) };
}

/** Decrypts a row's secret; a key problem becomes a message naming the registry and the fix. */
export function toRegistryConnection(row: Registry): RegistryConnection {
  let secret: string | null = null;
  if (row.secretCiphertext) {
    try {
      secret = openRegistrySecret(row.id, row.secretCiphertext);
    } catch (error) {
      // SecretKeyError messages name key ids and the fix, never key material or the secret.
      if (error instanceof SecretKeyError)
        throw new UserError(`registry ${row.name}: ${error.message}`, undefined, 500);
      throw error;
    }
  }
  return {
    provider: row.provider,
    endpoint: row.endpoint,
    namespace: row.namespace,
    authKind: row.authKind,
    username: row.username,
    secret,
    settings:
      typeof row.settings === "object" && row.settings !== null && !Array.isArray(row.settings)
        ? (row.settings as Record<string, unknown>)
        : {},
    insecure: row.insecure,
    caPem: row.caPem,
  };
}
