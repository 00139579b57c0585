import "server-only";
import { listCatalog } from "@/lib/oci/list-tags";
import { redact } from "@/lib/oci/redact";
import { RegistryClient } from "@/lib/oci/registry-client";
import { messageOf } from "@/lib/registries/connection-check/access-probes";
import { createRegistryAdapter, openRegistry, registryClientOptions } from "@/lib/registries/open-registry";
import { providerInfo } from "@/lib/registries/providers";
import type { RegistryAdapter } from "@/lib/registries/registry-adapter";
import { loadConnection } from "./load-connection";

export interface RepositoryListing {
  /** Where the names came from: the provider's API, the registry's /v2/_catalog, or nowhere. */
  source: "api" | "catalog" | "none";
  /** Full repository paths, as in references without the host. */
  repositories: string[];
  /** Why the list is missing or short, in words safe to show. */
  problem?: string;
  /** The provider creates repositories through its API (ECR, Artifact Registry). */
  canCreate: boolean;
}

const LIMIT = 1000;

/**
 * What the connection's credential can see. Providers with an API (ECR, Artifact Registry)
 * are asked through their control plane, which is reached without touching the registry
 * host; others through the registry's catalog, after the host passed the address checks.
 */
export async function listConnectionRepositories(
  id: string,
  options: { signal?: AbortSignal } = {},
): Promise<RepositoryListing> {
  const { connection } = await loadConnection(id);
  const info = providerInfo(connection.provider);
  const base = { source: info.lists, canCreate: info.createsRepositories };
  if (info.lists === "none")
    return {
      ...base,
      repositories: [],
      problem: `${info.label} lists no repositories to registry clients; Gantry reads tags per repository`,
    };

  let adapter: RegistryAdapter | undefined;
  let client: RegistryClient | undefined;
  try {
    if (info.lists === "api") {
      adapter = createRegistryAdapter(connection);
      const repositories = (await adapter.listRepositories?.({ limit: LIMIT, signal: options.signal })) ?? [];
      return { ...base, repositories };
    }
    adapter = await openRegistry(connection);
    client = new RegistryClient(
      registryClientOptions(adapter, {
        side: "source",
        retry: { attempts: 2, maxDelayMs: 1_000, maxRetryAfterMs: 2_000 },
      }),
    );
    const all = await listCatalog(client, { limit: LIMIT, pageSize: 100, signal: options.signal });
    const namespace = adapter.namespace;
    return { ...base, repositories: namespace ? all.filter((name) => name.startsWith(`${namespace}/`)) : all };
  } catch (error) {
    const secrets = [...(adapter?.secrets() ?? []), ...(connection.secret ? [connection.secret] : [])];
    return { ...base, repositories: [], problem: redact(messageOf(error), secrets) };
  } finally {
    await client?.close().catch(() => undefined);
    await adapter?.close().catch(() => undefined);
  }
}
