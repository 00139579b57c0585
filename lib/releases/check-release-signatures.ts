import "server-only";
import { RegistryClient } from "@/lib/oci/registry-client";
import type { RegistryConnection } from "@/lib/registries/connection";
import { openRegistry, registryClientOptions } from "@/lib/registries/open-registry";
import type { RegistryAdapter } from "@/lib/registries/registry-adapter";
import { checkImageSignature } from "@/lib/signatures/check-image-signature";
import type { SignatureSetup, StoredSignatureCheck } from "./signature-policy";

/** Images whose signatures are read at once during a sync. */
const CONCURRENCY = 4;

export interface ImageToCheck {
  tag: string;
  repository: string;
  digest: string;
}

export interface CheckedImage extends ImageToCheck {
  check: StoredSignatureCheck;
}

/**
 * Reads and checks the signatures of release images at the source, under the channel's
 * policy, for the sync to store. Nothing to check (policy off, or every check current) opens
 * no connection.
 */
export async function checkReleaseSignatures(options: {
  connection: RegistryConnection;
  setup: SignatureSetup;
  images: ImageToCheck[];
  signal?: AbortSignal;
}): Promise<CheckedImage[]> {
  const { setup, images, signal } = options;
  const policy = setup.policy;
  if (policy.mode === "off" || images.length === 0) return [];
  let adapter: RegistryAdapter | undefined;
  let client: RegistryClient | undefined;
  try {
    adapter = await openRegistry(options.connection);
    client = new RegistryClient(registryClientOptions(adapter, { side: "source" }));
    const source = client;
    const results: CheckedImage[] = [];
    let next = 0;
    const worker = async () => {
      while (next < images.length) {
        const image = images[next++]!;
        const check = await checkImageSignature({
          client: source,
          policy,
          trustedRoot: setup.trustedRoot,
          repository: image.repository,
          digest: image.digest,
          signal,
        });
        results.push({ ...image, check: { ...check, policy: setup.key, checkedAt: new Date().toISOString() } });
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, images.length) }, worker));
    return results;
  } finally {
    await client?.close().catch(() => undefined);
    await adapter?.close().catch(() => undefined);
  }
}
