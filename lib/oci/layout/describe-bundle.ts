import type { Digest } from "../digest";
import { parseManifest } from "../manifest";
import { formatPlatform } from "../platform";
import { BundleError } from "./bundle-format";
import { readBundleBlob, type OpenedBundle } from "./read-bundle";

/** One component of a bundle as a release records it. */
export interface BundleImage {
  /** `vendor/api:1.2`, as the bundle names it. */
  name: string;
  repository: string;
  tag: string;
  digest: Digest;
  mediaType: string;
  size: number;
  /** `linux/amd64`, … from the index, or the image config's os and architecture. */
  platforms: string[];
  referrers: { digest: Digest; mediaType: string; artifactType: string | null }[];
}

const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

/**
 * The components of a bundle, each split into repository and tag and with its platforms
 * read from the manifests it carries (digests checked): what a release of the bundle holds.
 */
export async function describeBundleImages(bundle: OpenedBundle): Promise<BundleImage[]> {
  return Promise.all(
    bundle.manifest.components.map(async (component) => {
      const { repository, tag } = splitName(component.name);
      return {
        name: component.name,
        repository,
        tag,
        digest: component.digest,
        mediaType: component.mediaType,
        size: component.size,
        platforms: await platformsOf(bundle, component.digest, component.mediaType),
        referrers: component.referrers.map((r) => ({
          digest: r.digest,
          mediaType: r.mediaType,
          artifactType: r.artifactType ?? null,
        })),
      };
    }),
  );
}

/** `vendor/api:1.2` → repository and tag (a port in the first segment is not a tag). */
export function splitName(name: string): { repository: string; tag: string } {
  const colon = name.lastIndexOf(":");
  if (colon <= name.lastIndexOf("/") || colon === name.length - 1)
    throw new BundleError(`component ${JSON.stringify(name.slice(0, 200))} is not named repository:tag`);
  return { repository: name.slice(0, colon), tag: name.slice(colon + 1) };
}

async function platformsOf(bundle: OpenedBundle, digest: Digest, mediaType: string): Promise<string[]> {
  const manifest = parseManifest(await readBundleBlob(bundle, digest), mediaType, { what: `manifest ${digest}` });
  if (manifest.kind === "index")
    return [...new Set(manifest.manifests.flatMap((m) => (m.platform ? [formatPlatform(m.platform)] : [])))];
  if (
    manifest.config.size > MAX_CONFIG_BYTES ||
    !bundle.entries.has(`blobs/${manifest.config.digest.replace(":", "/")}`)
  )
    return [];
  try {
    const config = JSON.parse((await readBundleBlob(bundle, manifest.config.digest)).toString("utf8")) as {
      os?: unknown;
      architecture?: unknown;
    };
    return typeof config.os === "string" && typeof config.architecture === "string"
      ? [`${config.os}/${config.architecture}`]
      : [];
  } catch {
    return [];
  }
}
