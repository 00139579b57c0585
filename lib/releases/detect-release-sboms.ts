import "server-only";
import type { Digest } from "@/lib/oci/digest";
import { findSboms, type SbomSummary } from "@/lib/oci/find-sboms";
import type { RegistryConnection } from "@/lib/registries/connection";
import type { ImageToCheck } from "./check-release-signatures";
import { visitSourceImages } from "./visit-source-images";

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
  const { signal } = options;
  return visitSourceImages(options.connection, options.images, async (source, image) => {
    try {
      const sboms = await findSboms({
        client: source,
        repository: image.repository,
        subject: image.digest as Digest,
        signal,
      });
      return { ...image, sboms };
    } catch {
      if (signal?.aborted) throw signal.reason;
      return undefined;
    }
  });
}
