import "server-only";
import { UserError } from "@/lib/change/errors";
import { loadConnection } from "@/lib/connections/load-connection";
import { redact } from "@/lib/oci/redact";
import { RegistryClient, type RegistryClientOptions } from "@/lib/oci/registry-client";
import type { Throttle } from "@/lib/oci/transport/throttle";
import { messageOf } from "@/lib/registries/connection-check/access-probes";
import { openRegistry, registryClientOptions } from "@/lib/registries/open-registry";
import type { RegistryAdapter } from "@/lib/registries/registry-adapter";

export interface OpenedRegistry {
  adapter: RegistryAdapter;
  client: RegistryClient;
  /** Long-lived secrets and short-lived tokens to scrub from any message. */
  secrets(): string[];
}

export interface PromotionRegistries {
  source: OpenedRegistry;
  target: OpenedRegistry;
  close(): Promise<void>;
}

type ClientOptions = Omit<RegistryClientOptions, "registry" | "auth" | "insecure" | "caPem" | "side" | "throttle">;

/**
 * The release's source registry and the promotion's target, opened for lib/oci (address
 * checks fresh each time). A connection that cannot be opened becomes a UserError naming
 * the field and the side, its message scrubbed of secrets. `targetThrottle` paces the uploads
 * into the target (its bandwidth cap); the source is never paced.
 */
export async function openPromotionRegistries(
  ids: { sourceRegistryId: string; targetRegistryId: string },
  { targetThrottle, ...options }: ClientOptions & { targetThrottle?: Throttle } = {},
): Promise<PromotionRegistries> {
  const source = await openOne(ids.sourceRegistryId, "source", "releaseId", options);
  try {
    const target = await openOne(ids.targetRegistryId, "target", "targetRegistryId", {
      ...options,
      ...(targetThrottle ? { throttle: targetThrottle } : {}),
    });
    return {
      source,
      target,
      async close() {
        await Promise.all([closeOne(source), closeOne(target)]);
      },
    };
  } catch (error) {
    await closeOne(source);
    throw error;
  }
}

/**
 * The target alone, for the tag step (it reads and writes nothing at the source) and for a bundle
 * release (no source registry: its blobs come from the bundle file); close() when done.
 */
export async function openPromotionTarget(
  targetRegistryId: string,
  options: ClientOptions & { throttle?: Throttle } = {},
): Promise<OpenedRegistry & { close(): Promise<void> }> {
  const target = await openOne(targetRegistryId, "target", "targetRegistryId", options);
  return { ...target, close: () => closeOne(target) };
}

async function openOne(
  id: string,
  side: "source" | "target",
  field: string,
  options: ClientOptions & { throttle?: Throttle },
): Promise<OpenedRegistry> {
  const { row, connection } = await loadConnection(id);
  let adapter: RegistryAdapter;
  try {
    adapter = await openRegistry(connection);
  } catch (error) {
    const message = redact(messageOf(error), connection.secret ? [connection.secret] : []);
    throw new UserError(`${field}: the ${side} registry ${row.name} cannot be used: ${message}`, field, 409);
  }
  const client = new RegistryClient({ ...registryClientOptions(adapter, options), side });
  return { adapter, client, secrets: () => [...adapter.secrets(), ...(connection.secret ? [connection.secret] : [])] };
}

async function closeOne(opened: OpenedRegistry): Promise<void> {
  await opened.client.close().catch(() => undefined);
  await opened.adapter.close().catch(() => undefined);
}
