import type { Digest } from "./digest";
import { parseManifest } from "./manifest";
import { formatPlatform } from "./platform";
import { formatReference, identifierOf, type Reference } from "./reference";
import type { RegistryClient } from "./registry-client";
import { readConfigPlatform, resolveImage } from "./resolve-image";

export interface ImageInspection {
  reference: string;
  digest: Digest;
  mediaType: string;
  /** Manifests plus distinct blobs, as a copy into an empty registry would move. */
  size: number;
  /** One entry per platform image (a single image has one, from its config). */
  platforms: { platform: string; digest: Digest; mediaType: string; size: number }[];
}

/** What `gantry inspect` shows: digest, media type, platforms and size of an image. */
export async function inspectImage(
  client: RegistryClient,
  ref: Reference,
  signal?: AbortSignal,
): Promise<ImageInspection> {
  const image = await resolveImage({ client, repository: ref.repository, reference: identifierOf(ref), signal });
  const at = { client, repository: ref.repository, signal };
  const nodes = image.children.length ? image.children.filter((c) => c.blobs.length > 0) : [image.top];
  const platforms = await Promise.all(
    nodes.map(async (node) => {
      const size = node.bytes.length + node.blobs.reduce((sum, b) => sum + b.size, 0);
      let platform = node.platform;
      if (!platform) {
        const manifest = parseManifest(node.bytes, node.mediaType, { side: client.side, what: node.digest });
        platform = manifest.kind === "image" ? await readConfigPlatform(at, manifest) : undefined;
      }
      return {
        platform: platform ? formatPlatform(platform) : "unknown",
        digest: node.digest,
        mediaType: node.mediaType,
        size,
      };
    }),
  );
  return {
    reference: formatReference(ref),
    digest: image.top.digest,
    mediaType: image.top.mediaType,
    size: image.size,
    platforms,
  };
}
