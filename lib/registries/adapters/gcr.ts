import "server-only";
import { z } from "zod";
import type { RegistryConnection } from "../connection";
import { scratchRepositoryUnder, type AdapterContext, type RegistryAdapter } from "../registry-adapter";
import { parseSettings } from "./adapter-settings";
import { googleCredentials } from "./google-credentials";

const settingsSchema = z.object({ project: z.string().min(1).optional() });

/**
 * gcr.io and its regional hosts. Repositories appear on first push and are listed through
 * the registry's catalog, so only the credential is the provider's own.
 */
export function openGcr(connection: RegistryConnection, context: AdapterContext): RegistryAdapter {
  const settings = parseSettings(settingsSchema, connection);
  const google = googleCredentials(connection, context);
  const namespace = connection.namespace ?? settings.project ?? google.key.project_id;
  return {
    provider: "gcr",
    registry: connection.endpoint,
    apiHost: connection.endpoint,
    namespace,
    // HTTPS-only is enforced on input; honouring the stored flags lets tests use a local registry.
    insecure: connection.insecure,
    caPem: connection.caPem ?? undefined,
    authenticator: google.authenticator,
    credentialLabel: google.label,
    scratchRepository: scratchRepositoryUnder(namespace),
    tokenExpiresAt: google.tokenExpiresAt,
    secrets: () => google.secrets,
    close: async () => undefined,
  };
}
