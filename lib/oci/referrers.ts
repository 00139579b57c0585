import type { Digest } from "./digest";
import type { Descriptor, IndexManifest } from "./manifest";
import { parseManifest } from "./manifest";
import { TooLargeError } from "./errors";
import { fetchBytes } from "./fetch-bytes";
import { Header, MAX_MANIFEST_BYTES, MediaType } from "./media-types";
import { headerOf, type RegistryClient } from "./registry-client";
import { isRegistryError } from "./registry-error";
import { fetchManifest, putManifest, scopesFor } from "./remote-manifest";

export interface ListReferrersOptions {
  client: RegistryClient;
  repository: string;
  /** The subject: the manifest the referrers point at. */
  digest: Digest;
  artifactType?: string;
  push?: boolean;
  signal?: AbortSignal;
}

export interface Referrers {
  descriptors: Descriptor[];
  /** `api`: the OCI 1.1 referrers API answered; `tag`: the `sha256-<hex>` tag fallback was read. */
  via: "api" | "tag";
}

/**
 * Signatures, SBOMs and attestations that point at a manifest: the OCI 1.1 referrers API,
 * or, where the registry lacks it (404), the tag-schema fallback index.
 */
export async function listReferrers(options: ListReferrersOptions): Promise<Referrers> {
  const { client, repository, digest } = options;
  const query = options.artifactType ? `?artifactType=${encodeURIComponent(options.artifactType)}` : "";
  try {
    const { response, bytes } = await fetchBytes(
      client,
      {
        method: "GET",
        url: `/v2/${repository}/referrers/${digest}${query}`,
        scopes: scopesFor(repository, options.push),
        ok: [200],
        headers: { accept: MediaType.ociIndex },
        signal: options.signal,
      },
      {
        maxBytes: MAX_MANIFEST_BYTES,
        tooLarge: (size) =>
          new TooLargeError(`the referrers of ${digest} are listed in ${size}`, { side: client.side }),
      },
    );
    const index = parseManifest(bytes, MediaType.ociIndex, { side: client.side, what: `referrers of ${digest}` });
    const filteredByServer = headerOf(response, Header.ociFiltersApplied)?.includes("artifactType");
    const manifests = index.kind === "index" ? index.manifests : [];
    return { descriptors: filteredByServer ? manifests : byType(manifests, options.artifactType), via: "api" };
  } catch (error) {
    if (!(isRegistryError(error) && error.status === 404)) throw error;
  }
  const fallback = await readFallbackIndex(options);
  return { descriptors: byType(fallback?.manifests ?? [], options.artifactType), via: "tag" };
}

/** The tag-schema fallback tag for a subject: `sha256-<hex>`. */
export function fallbackTag(digest: Digest): string {
  return digest.replace(":", "-").slice(0, 128);
}

/** The fallback index for a subject, or undefined when the tag does not exist. */
export async function readFallbackIndex(options: ListReferrersOptions): Promise<IndexManifest | undefined> {
  try {
    const { manifest } = await fetchManifest({ ...options, reference: fallbackTag(options.digest) });
    return manifest.kind === "index" ? manifest : undefined;
  } catch (error) {
    if (isRegistryError(error) && error.status === 404) return undefined;
    throw error;
  }
}

/**
 * Adds referrers to a registry's fallback index (for registries without the API), keeping
 * what is already listed there. Not atomic: two writers at once may drop an entry.
 */
export async function addToFallbackIndex(
  options: ListReferrersOptions & { client: RegistryClient },
  referrers: Descriptor[],
): Promise<void> {
  const existing = await readFallbackIndex({ ...options, push: true });
  const listed = new Set(existing?.manifests.map((d) => d.digest));
  const missing = referrers.filter((d) => !listed.has(d.digest));
  if (missing.length === 0) return;
  const index = {
    schemaVersion: 2,
    mediaType: MediaType.ociIndex,
    manifests: [...(existing?.manifests ?? []), ...missing.map(referrerDescriptor)],
  };
  await putManifest({
    client: options.client,
    repository: options.repository,
    reference: fallbackTag(options.digest),
    bytes: Buffer.from(JSON.stringify(index)),
    mediaType: MediaType.ociIndex,
    signal: options.signal,
  });
}

function referrerDescriptor(d: Descriptor): Descriptor {
  return {
    mediaType: d.mediaType,
    digest: d.digest,
    size: d.size,
    ...(d.artifactType ? { artifactType: d.artifactType } : {}),
    ...(d.annotations ? { annotations: d.annotations } : {}),
  };
}

function byType(descriptors: Descriptor[], artifactType: string | undefined): Descriptor[] {
  return artifactType ? descriptors.filter((d) => d.artifactType === artifactType) : descriptors;
}
