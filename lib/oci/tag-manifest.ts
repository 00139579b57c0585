import type { Digest } from "./digest";
import { DigestMismatchError } from "./errors";
import type { RegistryClient } from "./registry-client";
import { fetchManifest, headManifest, putManifest } from "./remote-manifest";

export interface TagManifestJob {
  client: RegistryClient;
  repository: string;
  /** A manifest already in the repository (pushed by digest). */
  digest: Digest;
  tag: string;
  signal?: AbortSignal;
}

/**
 * Points `tag` at a manifest the repository already holds: its exact bytes read back by
 * digest and PUT under the tag (the distribution API has no other way to tag), then the tag
 * HEADed to confirm the digest. No blob moves. Answers what the tag pointed at before
 * (undefined when it did not exist); a tag already there is left alone.
 */
export async function tagManifest(job: TagManifestJob): Promise<{ previous: Digest | undefined }> {
  const target = { client: job.client, repository: job.repository, push: true, signal: job.signal };
  const previous = (await headManifest({ ...target, reference: job.tag }))?.digest;
  if (previous === job.digest) return { previous };
  const manifest = await fetchManifest({ ...target, reference: job.digest });
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
