import { algorithmOf, digestOf, type Digest } from "./digest";
import { DigestMismatchError } from "./errors";
import type { RegistryClient } from "./registry-client";
import { fetchManifest, headManifest, putManifest } from "./remote-manifest";

export interface TagManifestJob {
  client: RegistryClient;
  repository: string;
  /** A manifest already in the repository (pushed by digest). */
  digest: Digest;
  tag: string;
  /**
   * The manifest's exact bytes and media type, as they were pushed by digest: PUT under the
   * tag as they are, so nothing is read back (Docker Hub counts every manifest GET as a pull).
   * Used only if they hash to `digest`; without them the bytes are read back by digest.
   */
  manifest?: { bytes: Uint8Array; mediaType: string };
  signal?: AbortSignal;
}

/**
 * Points `tag` at a manifest the repository already holds: its exact bytes PUT under the tag
 * (the distribution API has no other way to tag) — the bytes the caller kept from the push,
 * or else read back by digest — then the tag HEADed to confirm the digest. No blob moves.
 * Answers what the tag pointed at before (undefined when it did not exist); a tag already
 * there is left alone.
 */
export async function tagManifest(job: TagManifestJob): Promise<{ previous: Digest | undefined }> {
  const target = { client: job.client, repository: job.repository, push: true, signal: job.signal };
  const previous = (await headManifest({ ...target, reference: job.tag }))?.digest;
  if (previous === job.digest) return { previous };
  const manifest = keptManifest(job) ?? (await fetchManifest({ ...target, reference: job.digest }));
  await putManifest({ ...target, reference: job.tag, bytes: manifest.bytes, mediaType: manifest.mediaType });
  const now = await headManifest({ ...target, reference: job.tag });
  if (now?.digest !== job.digest) {
    throw new DigestMismatchError(
      `target ${job.client.registry} answers ${now ? now.digest : "no manifest"} for ${job.repository}:${job.tag} after tagging ${job.digest}`,
      { side: job.client.side },
    );
  }
  return { previous };
}

/** The caller's bytes, if they are the manifest's (a stored copy that does not hash to the digest is not used). */
function keptManifest(job: TagManifestJob): { bytes: Buffer; mediaType: string } | undefined {
  if (!job.manifest || !job.manifest.mediaType) return undefined;
  const { bytes, mediaType } = job.manifest;
  if (digestOf(bytes, algorithmOf(job.digest)) !== job.digest) return undefined;
  return { bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), mediaType };
}
