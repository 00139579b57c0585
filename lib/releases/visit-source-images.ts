import "server-only";
import { RegistryClient } from "@/lib/oci/registry-client";
import type { RegistryConnection } from "@/lib/registries/connection";
import { openRegistry, registryClientOptions } from "@/lib/registries/open-registry";
import type { RegistryAdapter } from "@/lib/registries/registry-adapter";

/** Images looked at once during a sync. */
const CONCURRENCY = 4;

/**
 * Opens the channel's source registry once and asks `visit` about each image, a few at a
 * time, for the sync: what it answers is collected (undefined leaves the image out). The
 * connection is closed however it ends; an error from `visit` ends the whole visit.
 */
export async function visitSourceImages<I, R>(
  connection: RegistryConnection,
  images: readonly I[],
  visit: (source: RegistryClient, image: I) => Promise<R | undefined>,
): Promise<R[]> {
  if (images.length === 0) return [];
  let adapter: RegistryAdapter | undefined;
  let client: RegistryClient | undefined;
  try {
    adapter = await openRegistry(connection);
    const source = new RegistryClient(registryClientOptions(adapter, { side: "source" }));
    client = source;
    const results: R[] = [];
    let next = 0;
    const worker = async () => {
      while (next < images.length) {
        const result = await visit(source, images[next++]!);
        if (result !== undefined) results.push(result);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, images.length) }, worker));
    return results;
  } finally {
    await client?.close().catch(() => undefined);
    await adapter?.close().catch(() => undefined);
  }
}
