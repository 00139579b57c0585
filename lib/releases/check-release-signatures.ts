import "server-only";
import type { RegistryConnection } from "@/lib/registries/connection";
import { checkImageSignature } from "@/lib/signatures/check-image-signature";
import type { SignatureSetup, StoredSignatureCheck } from "./signature-policy";
import { visitSourceImages } from "./visit-source-images";

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
  const { setup, signal } = options;
  const policy = setup.policy;
  if (policy.mode === "off") return [];
  return visitSourceImages(options.connection, options.images, async (source, image) => {
    const check = await checkImageSignature({
      client: source,
      policy,
      trustedRoot: setup.trustedRoot,
      repository: image.repository,
      digest: image.digest,
      signal,
    });
    return { ...image, check: { ...check, policy: setup.key, checkedAt: new Date().toISOString() } };
  });
}
