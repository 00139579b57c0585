import { repositoryScope } from "./auth/challenge";
import { algorithmOf, digestOf, isDigest, type Digest } from "./digest";
import { DigestMismatchError, TooLargeError } from "./errors";
import { fetchBytes } from "./fetch-bytes";
import { parseManifest, refuseSchema1, type Manifest } from "./manifest";
import { Header, MANIFEST_ACCEPT, MAX_MANIFEST_BYTES } from "./media-types";
import { headerOf, type RegistryClient } from "./registry-client";
import { isRegistryError } from "./registry-error";

export interface ManifestTarget {
  client: RegistryClient;
  repository: string;
  /** A tag or a digest. */
  reference: string;
  /** Ask for push rights too (a target), so one token serves the whole copy. */
  push?: boolean;
  signal?: AbortSignal;
}

export interface FetchedManifest {
  bytes: Buffer;
  mediaType: string;
  digest: Digest;
  manifest: Manifest;
}

export interface ManifestHead {
  digest: Digest;
  mediaType: string;
  size: number;
}

export function scopesFor(repository: string, push = false): string[] {
  return [repositoryScope(repository, push ? ["pull", "push"] : ["pull"])];
}

/**
 * GETs a manifest, refusing it past 4 MiB before reading it whole, and checks its bytes
 * against the digest asked for (or the one the registry announced).
 */
export async function fetchManifest(target: ManifestTarget): Promise<FetchedManifest> {
  const { client, repository, reference } = target;
  const what = `manifest ${repository}${isDigest(reference) ? "@" : ":"}${reference} on ${client.side ?? "registry"} ${client.registry}`;
  const tooLarge = (size: string) =>
    new TooLargeError(`${what} is ${size}; manifests over ${MAX_MANIFEST_BYTES} bytes (4 MiB) are refused`, {
      side: client.side,
      code: "MANIFEST_TOO_LARGE",
    });
  const { response, bytes } = await fetchBytes(
    client,
    {
      method: "GET",
      url: `/v2/${repository}/manifests/${reference}`,
      scopes: scopesFor(repository, target.push),
      ok: [200],
      headers: { accept: MANIFEST_ACCEPT },
      signal: target.signal,
    },
    { maxBytes: MAX_MANIFEST_BYTES, tooLarge },
  );
  const announced = headerOf(response, Header.contentDigest);
  const expected = isDigest(reference) ? reference : announced && isDigest(announced) ? announced : undefined;
  const mediaType = headerOf(response, "content-type");
  refuseSchema1(mediaType, { side: client.side, what });
  const digest = digestOf(bytes, expected ? algorithmOf(expected) : "sha256");
  if (expected && expected !== digest) {
    throw new DigestMismatchError(`${what} has bytes hashing to ${digest}, not ${expected}`, { side: client.side });
  }
  const manifest = parseManifest(bytes, mediaType, { side: client.side, what });
  return { bytes, mediaType: manifest.mediaType, digest, manifest };
}

/** HEADs a manifest: its digest, or undefined when the registry does not have it. */
export async function headManifest(target: ManifestTarget): Promise<ManifestHead | undefined> {
  const { client, repository, reference } = target;
  try {
    const response = await client.request({
      method: "HEAD",
      url: `/v2/${repository}/manifests/${reference}`,
      scopes: scopesFor(repository, target.push),
      ok: [200],
      headers: { accept: MANIFEST_ACCEPT },
      signal: target.signal,
    });
    await response.body.dump().catch(() => undefined);
    const digest = headerOf(response, Header.contentDigest);
    const size = Number(headerOf(response, "content-length") ?? 0);
    const mediaType = headerOf(response, "content-type")?.split(";")[0] ?? "";
    // Without the header the bytes must be read to know the digest.
    if (!digest || !isDigest(digest)) {
      const fetched = await fetchManifest(target);
      return { digest: fetched.digest, mediaType: fetched.mediaType, size: fetched.bytes.length };
    }
    return { digest, mediaType, size };
  } catch (error) {
    if (isRegistryError(error) && error.status === 404) return undefined;
    throw error;
  }
}

export interface PushedManifest {
  digest: Digest;
  /** The registry's OCI-Subject answer: it indexed the referrer itself (OCI 1.1). */
  subject?: Digest;
}

/** PUTs manifest bytes exactly as read, under a tag or its digest. */
export async function putManifest(
  target: ManifestTarget & { bytes: Buffer; mediaType: string },
): Promise<PushedManifest> {
  const { client, repository, reference } = target;
  const response = await client.request({
    method: "PUT",
    url: `/v2/${repository}/manifests/${reference}`,
    scopes: scopesFor(repository, true),
    ok: [200, 201, 202],
    headers: { "content-type": target.mediaType },
    body: target.bytes,
    signal: target.signal,
    write: true,
  });
  await response.body.dump().catch(() => undefined);
  const digest = digestOf(target.bytes);
  const stored = headerOf(response, Header.contentDigest);
  if (stored && isDigest(stored) && algorithmOf(stored) === "sha256" && stored !== digest) {
    throw new DigestMismatchError(
      `target ${client.registry} stored manifest ${repository}:${reference} as ${stored}, not ${digest}`,
      { side: client.side },
    );
  }
  const subject = headerOf(response, Header.ociSubject);
  return { digest, ...(subject ? { subject } : {}) };
}
