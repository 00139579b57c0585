import type { Digest } from "./digest";
import { ManifestError, OciError, TooLargeError } from "./errors";
import { fetchBytes } from "./fetch-bytes";
import { blobsOf, type Descriptor, type ImageManifest, type Platform } from "./manifest";
import { filterIndex, formatPlatform, platformMatches } from "./platform";
import type { RegistryClient } from "./registry-client";
import { fetchManifest, scopesFor, type FetchedManifest } from "./remote-manifest";
import type { BlobLocation } from "./remote-blob";

/** A manifest to push, with the blobs it needs. */
export interface ManifestNode {
  digest: Digest;
  mediaType: string;
  bytes: Buffer;
  /** Blobs this manifest references directly (config and layers; none for an index). */
  blobs: Descriptor[];
  platform?: Platform;
}

export interface ResolvedImage {
  /** The manifest the tag will point at (after a platform filter, a new index). */
  top: ManifestNode;
  /** Every manifest below the top, children before their parents: the push order. */
  children: ManifestNode[];
  /** Distinct blobs of the whole tree. */
  blobs: Descriptor[];
  /** The digest the source serves; differs from top.digest when a platform filter applied. */
  sourceDigest: Digest;
  filtered: boolean;
  /** Manifest bytes plus distinct blob bytes: what a copy into an empty registry moves. */
  size: number;
}

export interface ResolveOptions {
  client: RegistryClient;
  repository: string;
  reference: string;
  platforms?: Platform[];
  signal?: AbortSignal;
}

const MAX_DEPTH = 4;
const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

export interface ResolvedTop {
  /** The manifest the tag will point at. */
  node: ManifestNode;
  sourceDigest: Digest;
  filtered: boolean;
  /** Children still to read (an index), already filtered by platform. */
  childDescriptors: Descriptor[];
}

/** Reads an image from the source: its manifest and, for an index, every child. No blob moves. */
export async function resolveImage(options: ResolveOptions): Promise<ResolvedImage> {
  return resolveTree(options, await resolveTop(options));
}

/**
 * Reads the top manifest and applies the platform filter: enough to know the digest the
 * target should end up with, so an up-to-date target costs one GET and one HEAD.
 */
export async function resolveTop(options: ResolveOptions): Promise<ResolvedTop> {
  const { client, repository, signal } = options;
  const top = await fetchManifest({ client, repository, reference: options.reference, signal });
  const what = `${client.registry}/${repository}@${top.digest}`;
  if (top.manifest.kind === "index") {
    const filtered = options.platforms?.length
      ? filterIndex(top.bytes, top.manifest, options.platforms, what)
      : undefined;
    const node = {
      digest: filtered?.digest ?? top.digest,
      mediaType: top.mediaType,
      bytes: filtered?.bytes ?? top.bytes,
      blobs: [],
    };
    return {
      node,
      sourceDigest: top.digest,
      filtered: Boolean(filtered),
      childDescriptors: filtered?.kept ?? top.manifest.manifests,
    };
  }
  if (options.platforms?.length) await checkImagePlatform(options, top, what);
  return { node: nodeOf(top), sourceDigest: top.digest, filtered: false, childDescriptors: [] };
}

/** Reads the children of a resolved top (recursively, depth and cycles bounded). */
export async function resolveTree(options: ResolveOptions, top: ResolvedTop): Promise<ResolvedImage> {
  const children: ManifestNode[] = [];
  if (top.childDescriptors.length) {
    await collectChildren(
      { ...options, children, path: new Set([top.sourceDigest, top.node.digest]) },
      top.childDescriptors,
      1,
    );
  }
  const all = [...children, top.node];
  const blobs = [...new Map(all.flatMap((m) => m.blobs).map((b) => [b.digest, b])).values()];
  const manifestBytes = new Map(all.map((m) => [m.digest, m.bytes.length]));
  const size = [...manifestBytes.values(), ...blobs.map((b) => b.size)].reduce((a, b) => a + b, 0);
  return { top: top.node, children, blobs, sourceDigest: top.sourceDigest, filtered: top.filtered, size };
}

async function collectChildren(
  context: ResolveOptions & { children: ManifestNode[]; path: Set<string> },
  descriptors: Descriptor[],
  depth: number,
): Promise<void> {
  const { client, repository, signal } = context;
  if (depth > MAX_DEPTH) {
    throw new ManifestError(`${client.registry}/${repository} nests indexes deeper than ${MAX_DEPTH} levels`, {
      code: "MANIFEST_INVALID",
      side: client.side,
    });
  }
  // Fetch siblings in parallel, then record them in index order.
  const fetched = await Promise.all(
    descriptors.map(async (descriptor) => {
      if (context.path.has(descriptor.digest)) {
        throw new ManifestError(
          `${client.registry}/${repository}@${descriptor.digest} refers to itself through its index`,
          {
            code: "MANIFEST_INVALID",
            side: client.side,
          },
        );
      }
      return {
        descriptor,
        manifest: await fetchManifest({ client, repository, reference: descriptor.digest, signal }),
      };
    }),
  );
  for (const { descriptor, manifest } of fetched) {
    if (context.children.some((c) => c.digest === manifest.digest)) continue;
    if (manifest.manifest.kind === "index") {
      const path = new Set([...context.path, manifest.digest]);
      await collectChildren({ ...context, path }, manifest.manifest.manifests, depth + 1);
    }
    context.children.push(nodeOf(manifest, descriptor.platform));
  }
}

function nodeOf(fetched: FetchedManifest, platform?: Platform): ManifestNode {
  return {
    digest: fetched.digest,
    mediaType: fetched.mediaType,
    bytes: fetched.bytes,
    blobs: fetched.manifest.kind === "image" ? blobsOf(fetched.manifest) : [],
    ...(platform ? { platform } : {}),
  };
}

/** A single-platform image with a platform filter: its config must say it is one of them. */
async function checkImagePlatform(options: ResolveOptions, top: FetchedManifest, what: string): Promise<void> {
  if (top.manifest.kind !== "image") return;
  const platform = await readConfigPlatform(
    { client: options.client, repository: options.repository, signal: options.signal },
    top.manifest,
  );
  if (platform && !options.platforms!.some((w) => platformMatches(platform, w))) {
    throw new OciError(
      `${what} is a single ${formatPlatform(platform)} image, not ${options.platforms!.map(formatPlatform).join(", ")}`,
      {
        kind: "not_found",
        code: "PLATFORM_UNKNOWN",
        side: options.client.side,
      },
    );
  }
}

/** The platform an image's config names; undefined for artifacts and oversized configs. */
export async function readConfigPlatform(at: BlobLocation, manifest: ImageManifest): Promise<Platform | undefined> {
  if (manifest.config.size > MAX_CONFIG_BYTES) return undefined;
  const { bytes } = await fetchBytes(
    at.client,
    {
      method: "GET",
      url: `/v2/${at.repository}/blobs/${manifest.config.digest}`,
      scopes: scopesFor(at.repository, at.push),
      ok: [200],
      signal: at.signal,
    },
    {
      maxBytes: MAX_CONFIG_BYTES,
      tooLarge: () =>
        new TooLargeError(`config ${manifest.config.digest} is larger than its descriptor says`, {
          side: at.client.side,
        }),
    },
  );
  try {
    const config = JSON.parse(bytes.toString("utf8")) as Partial<Platform>;
    if (typeof config.os !== "string" || typeof config.architecture !== "string") return undefined;
    return {
      os: config.os,
      architecture: config.architecture,
      ...(typeof config.variant === "string" ? { variant: config.variant } : {}),
    };
  } catch {
    return undefined;
  }
}
