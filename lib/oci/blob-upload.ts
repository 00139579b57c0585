import { Readable, pipeline, type Transform } from "node:stream";
import { createDigestVerifier } from "./digest";
import { isAbortError, isOciError, NetworkError } from "./errors";
import type { Descriptor } from "./manifest";
import type { RegistryClient } from "./registry-client";
import { isRegistryError } from "./registry-error";
import { cancelUpload, openBlob, startUpload, withDigest, type BlobLocation } from "./remote-blob";
import { scopesFor } from "./remote-manifest";
import { toNetworkError } from "./transport/http-agent";
import { withRetry } from "./transport/retry";

export interface UploadPolicy {
  /** Blobs larger than this go up in PATCH chunks instead of one PUT. */
  chunkedAboveBytes: number;
  chunkBytes: number;
}

export const DEFAULT_UPLOAD_POLICY: UploadPolicy = { chunkedAboveBytes: 1024 ** 3, chunkBytes: 128 * 1024 ** 2 };

export interface TransferBlobOptions {
  source: RegistryClient;
  sourceRepository: string;
  target: RegistryClient;
  targetRepository: string;
  descriptor: Descriptor;
  /** A repository of the target registry known to hold the blob: mount it from there. */
  mountFrom?: string;
  /** Reads the blob from elsewhere than the source registry (a bundle file). */
  open?: () => Promise<Readable>;
  policy?: UploadPolicy;
  signal?: AbortSignal;
  /** Bytes of this blob read and verified so far in the current attempt (restarts at 0 on a retry). */
  onBytes?: (bytesDone: number) => void;
}

export type TransferOutcome = { kind: "mounted"; from: string } | { kind: "uploaded"; bytes: number };

// Targets that answered 413 to a monolithic PUT: they get chunks from then on.
const wantsChunks = new WeakSet<RegistryClient>();

/**
 * Moves one blob: mount when possible, else stream GET → upload with the digest checked as
 * bytes pass. Never holds the blob in memory or on disk. A failed attempt cancels its upload
 * session; retryable failures start over (the source stream cannot be rewound).
 */
export async function transferBlob(options: TransferBlobOptions): Promise<TransferOutcome> {
  const { target, descriptor } = options;
  const to: BlobLocation = { client: target, repository: options.targetRepository, push: true, signal: options.signal };
  let mountFrom = options.mountFrom;
  return withRetry(
    async () => {
      // A 413 to a monolithic PUT is the registry asking for chunks: once, at once, not a retry.
      for (let pass = 0; ; pass++) {
        options.onBytes?.(0);
        const session = await startUploadOrMount(to, descriptor.digest, mountFrom);
        if (session.mounted) return { kind: "mounted", from: mountFrom! } as const;
        // A mount that fell through to a plain session is not tried again: the source lacked it.
        mountFrom = undefined;
        try {
          return await upload(options, to, session.location, session.minChunk);
        } catch (error) {
          await cancelUpload(to, session.location);
          const askedForChunks = isRegistryError(error) && error.status === 413 && !wantsChunks.has(target);
          if (!askedForChunks || pass > 0) throw error;
          wantsChunks.add(target);
        }
      }
    },
    { policy: target.retry, signal: options.signal },
  );
}

/** A mount the registry refuses (no pull right on the other repository, say) falls back to an upload. */
async function startUploadOrMount(to: BlobLocation, digest: string, mountFrom: string | undefined) {
  if (!mountFrom) return startUpload(to, digest);
  try {
    return await startUpload(to, digest, mountFrom);
  } catch (error) {
    if (!isRegistryError(error) || error.status >= 500 || error.status === 429) throw error;
    return startUpload(to, digest);
  }
}

async function upload(
  options: TransferBlobOptions,
  to: BlobLocation,
  location: string,
  minChunk?: number,
): Promise<TransferOutcome> {
  const { descriptor, source } = options;
  const policy = options.policy ?? DEFAULT_UPLOAD_POLICY;
  const body = options.open
    ? await options.open()
    : await openBlob({ client: source, repository: options.sourceRepository, signal: options.signal }, descriptor);
  let done = 0;
  const verifier = createDigestVerifier({
    digest: descriptor.digest,
    size: descriptor.size,
    side: source.side,
    onBytes: (n) => options.onBytes?.((done += n)),
  });
  // The first failure explains the rest: a cut source stream or a wrong digest makes the
  // upload fail too. These listeners run before undici's, which rejects the upload after them.
  let cause: unknown;
  body.on("error", (error) => (cause ??= toNetworkError(error, sourceRequest(options), source.side)));
  // Only the verifier's own verdict (a digest or size mismatch): when the target's socket
  // breaks, undici destroys the verifier with the raw socket error, and the upload's
  // rejection (a retryable NetworkError naming the target) is the one to keep.
  verifier.on("error", (error) => {
    if (isOciError(error)) cause ??= error;
  });
  pipeline(body, verifier, () => undefined);
  const stopWatch = cutWhenTooSlow(body, () => done, options);
  const chunked = descriptor.size > policy.chunkedAboveBytes || wantsChunks.has(to.client);
  try {
    if (chunked) await putChunks(to, location, verifier, options, Math.max(policy.chunkBytes, minChunk ?? 0));
    else await putWhole(to, withDigest(location, descriptor.digest), verifier, descriptor.size);
    return { kind: "uploaded", bytes: descriptor.size };
  } catch (error) {
    const root = cause ?? error;
    verifier.destroy();
    if (isAbortError(error, options.signal)) throw options.signal?.reason ?? error;
    throw source.scrub(root);
  } finally {
    stopWatch();
  }
}

/** Destroys the source body (a retryable network failure) when a window passes with too few bytes moved. */
function cutWhenTooSlow(body: Readable, bytesDone: () => number, options: TransferBlobOptions): () => void {
  const { lowSpeedWindowMs: windowMs, lowSpeedBytesPerSecond: perSecond } = options.source.timeouts;
  let last = bytesDone();
  const timer = setInterval(() => {
    const moved = bytesDone() - last;
    last = bytesDone();
    if (moved >= (perSecond * windowMs) / 1000) return;
    const message =
      `source registry ${options.source.registry}: blob ${options.descriptor.digest} moved fewer than ${perSecond} bytes/s over ${windowMs / 1000} s ` +
      `(${moved} bytes) on its way to the target ${options.target.registry}; cut to try again`;
    body.destroy(new NetworkError(message, { side: options.source.side, code: "LOW_SPEED" }));
  }, windowMs);
  timer.unref?.();
  return () => clearInterval(timer);
}

async function putWhole(to: BlobLocation, url: string, body: Readable, size: number): Promise<void> {
  const response = await to.client.request({
    method: "PUT",
    url,
    scopes: scopesFor(to.repository, true),
    ok: [201, 204],
    headers: { "content-type": "application/octet-stream", "content-length": String(size) },
    body,
    signal: to.signal,
    write: true,
  });
  await response.body.dump().catch(() => undefined);
}

/** PATCH chunks of `chunkBytes` (each streamed, never buffered whole), then a bodiless PUT. */
async function putChunks(
  to: BlobLocation,
  location: string,
  verified: Transform,
  options: TransferBlobOptions,
  chunkBytes: number,
) {
  const { descriptor } = options;
  const reader = chunkReader(verified);
  let url = location;
  for (let offset = 0; offset < descriptor.size; offset += chunkBytes) {
    const length = Math.min(chunkBytes, descriptor.size - offset);
    const response = await to.client.request({
      method: "PATCH",
      url,
      scopes: scopesFor(to.repository, true),
      ok: [202, 204],
      headers: {
        "content-type": "application/octet-stream",
        "content-length": String(length),
        "content-range": `${offset}-${offset + length - 1}`,
      },
      body: Readable.from(reader.take(length)),
      signal: to.signal,
      write: true,
    });
    await response.body.dump().catch(() => undefined);
    const next = response.headers.location;
    if (typeof next === "string") url = new URL(next, response.url).toString();
  }
  await reader.rest();
  await putWhole(to, withDigest(url, descriptor.digest), Readable.from([]), 0);
}

/** Reads a stream in exact byte counts, carrying the remainder of a chunk to the next take. */
function chunkReader(stream: Readable) {
  const iterator = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  let carry: Buffer | undefined;
  return {
    async *take(bytes: number): AsyncGenerator<Buffer> {
      for (let left = bytes; left > 0;) {
        const chunk = carry ?? (await iterator.next()).value;
        carry = undefined;
        if (!chunk) return;
        if (chunk.length > left) {
          carry = chunk.subarray(left);
          yield chunk.subarray(0, left);
          return;
        }
        left -= chunk.length;
        yield chunk;
      }
    },
    /** Drains the end so the verifier's final check runs before the commit. */
    async rest(): Promise<void> {
      for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
        throw new Error(`blob stream has ${r.value.length} bytes past its declared size`);
      }
    },
  };
}

function sourceRequest(options: TransferBlobOptions) {
  return {
    method: "GET",
    url: new URL(
      `/v2/${options.sourceRepository}/blobs/${options.descriptor.digest}`,
      `https://${options.source.registry}`,
    ),
    signal: options.signal,
  };
}
