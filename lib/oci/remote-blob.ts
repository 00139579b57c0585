import type { Readable } from "node:stream";
import { repositoryScope } from "./auth/challenge";
import type { Digest } from "./digest";
import { DigestMismatchError, OciError } from "./errors";
import type { Descriptor } from "./manifest";
import { Header } from "./media-types";
import { headerOf, type RegistryClient } from "./registry-client";
import { isRegistryError } from "./registry-error";
import { scopesFor } from "./remote-manifest";

export interface BlobLocation {
  client: RegistryClient;
  repository: string;
  push?: boolean;
  signal?: AbortSignal;
}

/** HEADs a blob: its size, or undefined when the repository does not have it. */
export async function headBlob(at: BlobLocation, digest: Digest): Promise<number | undefined> {
  try {
    const response = await at.client.request({
      method: "HEAD",
      url: `/v2/${at.repository}/blobs/${digest}`,
      scopes: scopesFor(at.repository, at.push),
      ok: [200],
      signal: at.signal,
    });
    await response.body.dump().catch(() => undefined);
    return Number(headerOf(response, "content-length") ?? 0);
  } catch (error) {
    if (isRegistryError(error) && error.status === 404) return undefined;
    throw error;
  }
}

/**
 * GETs a blob as a stream, following redirects to blob storage (without credentials there).
 * A Content-Length that disagrees with the descriptor fails before any byte moves.
 */
export async function openBlob(at: BlobLocation, descriptor: Descriptor): Promise<Readable> {
  const response = await at.client.request({
    method: "GET",
    url: `/v2/${at.repository}/blobs/${descriptor.digest}`,
    scopes: scopesFor(at.repository, at.push),
    ok: [200],
    signal: at.signal,
  });
  const length = headerOf(response, "content-length");
  if (length !== undefined && Number(length) !== descriptor.size) {
    response.body.destroy();
    throw new DigestMismatchError(
      `${at.client.side ?? "registry"} ${at.client.registry} serves blob ${descriptor.digest} with ${length} bytes; its manifest says ${descriptor.size}`,
      { side: at.client.side },
    );
  }
  return response.body;
}

/**
 * GETs a blob from byte `from` on (`Range: bytes=from-`). `start` says where the stream
 * begins: `from` when the registry honoured the range (206), 0 when it sent the whole blob.
 */
export async function openBlobFrom(
  at: BlobLocation,
  descriptor: Descriptor,
  from: number,
): Promise<{ body: Readable; start: number }> {
  if (from <= 0) return { body: await openBlob(at, descriptor), start: 0 };
  const response = await at.client.request({
    method: "GET",
    url: `/v2/${at.repository}/blobs/${descriptor.digest}`,
    scopes: scopesFor(at.repository, at.push),
    ok: [200, 206],
    headers: { range: `bytes=${from}-` },
    signal: at.signal,
  });
  const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(headerOf(response, "content-range") ?? "");
  if (response.status === 206 && range && Number(range[1]) === from && Number(range[2]) === descriptor.size - 1) {
    return { body: response.body, start: from };
  }
  const length = headerOf(response, "content-length");
  if (response.status !== 200 || (length !== undefined && Number(length) !== descriptor.size)) {
    // A range answered some other way than asked: read it whole instead.
    response.body.destroy();
    return { body: await openBlob(at, descriptor), start: 0 };
  }
  return { body: response.body, start: 0 };
}

export type UploadStart = { mounted: true } | { mounted: false; location: string; minChunk?: number };

/**
 * Opens an upload session on the target, first asking it to mount the blob from another
 * repository of the same registry when one is known to hold it (201 = mounted, no bytes).
 */
export async function startUpload(at: BlobLocation, digest: Digest, mountFrom?: string): Promise<UploadStart> {
  const scopes = scopesFor(at.repository, true);
  if (mountFrom) scopes.push(repositoryScope(mountFrom, ["pull"]));
  const query = mountFrom ? `?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(mountFrom)}` : "";
  const response = await at.client.request({
    method: "POST",
    url: `/v2/${at.repository}/blobs/uploads/${query}`,
    scopes,
    ok: [201, 202],
    headers: { "content-length": "0" },
    signal: at.signal,
    write: true,
  });
  await response.body.dump().catch(() => undefined);
  if (response.status === 201 && mountFrom) return { mounted: true };
  const location = headerOf(response, Header.location);
  if (!location) {
    throw new OciError(`target ${at.client.registry} opened an upload without a Location header`, {
      kind: "storage",
      side: at.client.side,
    });
  }
  const minChunk = Number(headerOf(response, Header.ociChunkMinLength) ?? NaN);
  return {
    mounted: false,
    location: new URL(location, response.url).toString(),
    ...(minChunk > 0 ? { minChunk } : {}),
  };
}

/**
 * Asks an upload session how far it got (GET of its URL): the end of its `Range` answer and
 * the Location to continue with. Undefined when the session is gone or refuses to say.
 */
export async function uploadStatus(
  at: BlobLocation,
  location: string,
): Promise<{ stored: number; location: string } | undefined> {
  try {
    const response = await at.client.request({
      method: "GET",
      url: location,
      scopes: scopesFor(at.repository, true),
      ok: [200, 204],
      signal: at.signal,
    });
    await response.body.dump().catch(() => undefined);
    const range = /^(?:bytes=)?0-(\d+)$/.exec(headerOf(response, Header.range) ?? "");
    const next = headerOf(response, Header.location);
    return {
      stored: range ? Number(range[1]) + 1 : 0,
      location: next ? new URL(next, response.url).toString() : location,
    };
  } catch (error) {
    if (isRegistryError(error) && error.status < 500 && error.status !== 429) return undefined;
    throw error;
  }
}

/** Abandons an upload session (best effort: the registry purges stale ones anyway). */
export async function cancelUpload(at: BlobLocation, location: string): Promise<void> {
  try {
    const response = await at.client.request({
      method: "DELETE",
      url: location,
      scopes: scopesFor(at.repository, true),
      ok: [200, 202, 204, 404],
      signal: AbortSignal.timeout(10_000),
    });
    await response.body.dump().catch(() => undefined);
  } catch {
    // Nothing more to do: a lost session only costs the registry some disk until purged.
  }
}

/** Appends `digest=` to an upload Location, keeping its own query (upload state) untouched. */
export function withDigest(location: string, digest: Digest): string {
  return `${location}${location.includes("?") ? "&" : "?"}digest=${encodeURIComponent(digest)}`;
}
