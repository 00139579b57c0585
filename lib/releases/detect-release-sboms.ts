import "server-only";
import type { Digest } from "@/lib/oci/digest";
import { findSboms, type SbomSummary } from "@/lib/oci/find-sboms";
import { RegistryClient } from "@/lib/oci/registry-client";
import type { RegistryConnection } from "@/lib/registries/connection";
import { openRegistry, registryClientOptions } from "@/lib/registries/open-registry";
import type { RegistryAdapter } from "@/lib/registries/registry-adapter";
import type { ImageToCheck } from "./check-release-signatures";

/** Images whose SBOMs are looked for at once during a sync. */
const CONCURRENCY = 4;

export interface DetectedSboms extends ImageToCheck {
  sboms: SbomSummary[];
}

/**
 * Looks for the SBOMs and attestations of release images at the source, for the sync to
 * store a summary of each. An image whose lookup fails is left out (looked for again next
 * sync); the sync itself never fails for it.
 */
export async function detectReleaseSboms(options: {
  connection: RegistryConnection;
  images: ImageToCheck[];
  signal?: AbortSignal;
}): Promise<DetectedSboms[]> {
  const { images, signal } = options;
  if (images.length === 0) return [];
  let adapter: RegistryAdapter | undefined;
  let client: RegistryClient | undefined;
  try {
    adapter = await openRegistry(options.connection);
    client = new RegistryClient(registryClientOptions(adapter, { side: "source" }));
    const source = client;
    const results: DetectedSboms[] = [];
    let next = 0;
    const worker = async () => {
      while (next < images.length) {
        const image = images[next++]!;
        try {
          const sboms = await findSboms({
            client: source,
            repository: image.repository,
            subject: image.digest as Digest,
            signal,
          });
          results.push({ ...image, sboms });
        } catch {
          if (signal?.aborted) throw signal.reason;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, images.length) }, worker));
    return results;
  } finally {
    await client?.close().catch(() => undefined);
    await adapter?.close().catch(() => undefined);
  }
}
