import { isOciError } from "@/lib/oci/errors";
import type { RegistryClient } from "@/lib/oci/registry-client";
import { fetchManifest } from "@/lib/oci/remote-manifest";
import { readSignatures, type FoundSignature } from "./read-signatures";
import type { SignaturePolicy } from "./signature-policy.schema";
import type { ParsedTrustedRoot } from "./trusted-root";
import { verifySignatures, type SignatureCheck } from "./verify-signatures";

/**
 * Reads one image's signatures at the source and checks them against the policy. A registry
 * that cannot be read fails closed: the image counts as not verified, with the reason.
 */
export async function checkImageSignature(options: {
  client: RegistryClient;
  policy: Exclude<SignaturePolicy, { mode: "off" }>;
  trustedRoot: ParsedTrustedRoot | null;
  repository: string;
  digest: string;
  signal?: AbortSignal;
}): Promise<SignatureCheck> {
  const { client, repository, digest, signal } = options;
  let found: FoundSignature[];
  let manifest: Buffer | undefined;
  try {
    found = await readSignatures({ client, repository, digest, signal });
    if (found.some((s) => s.kind === "bundle"))
      manifest = (await fetchManifest({ client, repository, reference: digest, signal })).bytes;
  } catch (error) {
    if (signal?.aborted) throw error;
    const why = isOciError(error) ? error.message : error instanceof Error ? error.message : "unknown error";
    return { status: "invalid", signers: [], reason: `its signatures could not be read: ${why}`.slice(0, 500) };
  }
  return verifySignatures(found, {
    policy: options.policy,
    trustedRoot: options.trustedRoot,
    repository,
    digest,
    manifest,
  });
}
