import "server-only";
import { z } from "zod";
import type { ChangeDefinition } from "@/lib/change/run-change";
import { UserError } from "@/lib/change/errors";
import { redact } from "@/lib/oci/redact";
import { messageOf } from "@/lib/registries/connection-check/access-probes";
import { REPOSITORY_PATH } from "@/lib/registries/connection-input";
import type { RegistryConnection } from "@/lib/registries/connection";
import { createRegistryAdapter } from "@/lib/registries/open-registry";
import type { RegistryAdapter } from "@/lib/registries/registry-adapter";
import { providerInfo } from "@/lib/registries/providers";
import { loadConnection } from "./load-connection";

export const createConnectionRepositorySchema = z.object({
  id: z.string({ error: "expected the connection's id" }).min(1, "expected the connection's id"),
  repository: z
    .string({ error: "expected a repository path like team/app" })
    .trim()
    .transform((value) => value.replace(/^\/+|\/+$/g, ""))
    .pipe(
      z
        .string()
        .max(256, "expected at most 256 characters")
        .regex(
          REPOSITORY_PATH,
          "expected a repository path like team/app: lowercase letters, digits and . _ -, parts separated by /",
        ),
    ),
});

interface Created {
  /** The full path, under the connection's namespace. */
  repository: string;
  /** False when it existed already. */
  created: boolean;
}

/**
 * Creates a repository through the provider's API (ECR; for Artifact Registry, the Docker
 * repository the connection points into), under the connection's namespace. The provider is
 * asked before the transaction; the audit event records what it answered.
 */
export const createConnectionRepository: ChangeDefinition<typeof createConnectionRepositorySchema, Created, Created> = {
  permission: "registries.write",
  schema: createConnectionRepositorySchema,
  async prepare({ input }) {
    const { connection } = await loadConnection(input.id);
    const info = providerInfo(connection.provider);
    // The control plane (ECR's or Artifact Registry's API) is what this calls, not the registry host.
    const adapter = adapterOrThrow(connection);
    try {
      if (!adapter.createRepository || !info.createsRepositories) {
        throw new UserError(
          `repository: expected a connection whose provider creates repositories; ${info.label} creates them on first push`,
          "repository",
        );
      }
      const prefix = adapter.namespace;
      const repository =
        prefix && !input.repository.startsWith(`${prefix}/`) ? `${prefix}/${input.repository}` : input.repository;
      try {
        const { created } = await adapter.createRepository(repository);
        return { repository, created };
      } catch (error) {
        const secrets = [...adapter.secrets(), ...(connection.secret ? [connection.secret] : [])];
        throw new UserError(`repository: ${redact(messageOf(error), secrets)}`, "repository", 502);
      }
    } finally {
      await adapter.close().catch(() => undefined);
    }
  },
  async run({ input, audit, prepared }) {
    await audit({
      action: "registry.repository_created",
      targetType: "registry",
      targetId: input.id,
      detail: { after: prepared },
    });
    return prepared;
  },
};

/** A stored connection that no longer fits its provider says why, as the test would. */
function adapterOrThrow(connection: RegistryConnection): RegistryAdapter {
  try {
    return createRegistryAdapter(connection);
  } catch (error) {
    throw new UserError(
      `repository: ${redact(messageOf(error), connection.secret ? [connection.secret] : [])}`,
      "repository",
      409,
    );
  }
}
