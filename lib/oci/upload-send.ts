import type { Hash } from "node:crypto";
import { Readable, type Transform } from "node:stream";
import { createDigestVerifier } from "./digest";
import { isAbortError, isOciError, NetworkError } from "./errors";
import type { Descriptor } from "./manifest";
import type { RegistryClient } from "./registry-client";
import { isRegistryError } from "./registry-error";
import { openBlobFrom, withDigest, type BlobLocation } from "./remote-blob";
import { scopesFor } from "./remote-manifest";
import { toNetworkError } from "./transport/http-agent";
import type { UploadPlan } from "./upload-strategy";

/** One upload session on the target, carried across attempts so a chunked upload can resume. */
export interface UploadSession {
  /** The Location of the latest answer: the one to continue or cancel with. */
  location: string;
  minChunk?: number;
  /** Bytes the registry answered 2xx for, by our count of what was sent. */
  acknowledged: number;
  /** The hash state after `acknowledged` bytes (chunked uploads only). */
  checkpoint?: Hash;
}

export interface SendBlobJob {
  source: RegistryClient;
  sourceRepository: string;
  target: RegistryClient;
  descriptor: Descriptor;
  to: BlobLocation;
  session: UploadSession;
  plan: UploadPlan;
  /** Offset the target continues from (0 unless resuming). */
  resumeAt: number;
  /** Reads the whole blob from elsewhere than the source registry (a bundle file). */
  open?: () => Promise<Readable>;
  /** The source already asked for the blob from byte 0 (while the session was opened). */
  opened?: Promise<OpenedSource>;
  signal?: AbortSignal;
  onBytes?: (bytesDone: number) => void;
}

// Target answers a cut source body cannot cause: when the target gives one, it is the reason,
// even if the source stream broke meanwhile (undici tears it down after an early 413).
const TARGET_VERDICTS = new Set([401, 403, 404, 413, 429]);

/** Streams the blob (from `resumeAt`) to the session as the plan says, verifying its digest on the way. */
export async function sendBlob(job: SendBlobJob): Promise<void> {
  const { descriptor, session, source } = job;
  if (job.plan.mode === "chunks" && session.acknowledged >= descriptor.size) return commit(job, session.location);
  const hashFrom = session.acknowledged > 0 ? session.acknowledged : 0;
  // A whole stream (start 0) is hashed from its first byte and sent from `resumeAt` on.
  const { body, start } = job.open
    ? { body: await job.open(), start: 0 }
    : job.opened && hashFrom === 0
      ? await job.opened
      : await openSource(job, hashFrom);
  // A stream opened ahead (while the session was opened) may have failed before it was read.
  if (body.errored || body.destroyed) {
    const error = body.errored ?? new Error("the stream closed before it was read");
    throw source.scrub(toNetworkError(error, sourceRequest(job), source.side));
  }
  const pending = new Map<number, Hash>();
  let done = job.resumeAt;
  const verifier = createDigestVerifier({
    digest: descriptor.digest,
    size: descriptor.size,
    side: source.side,
    ...(start > 0 ? { start: { offset: start, hash: session.checkpoint!.copy() } } : {}),
    emitFrom: job.resumeAt,
    ...(job.plan.mode === "chunks"
      ? { checkpoints: { base: job.resumeAt, every: job.plan.chunkBytes, onCheckpoint: (o, h) => pending.set(o, h) } }
      : {}),
    onBytes: (n) => job.onBytes?.((done += n)),
  });
  // The first failure explains the rest: a cut source stream or a wrong digest makes the
  // upload fail too. `pipe`, not `pipeline`: when the target's side tears the upload body
  // down, the source stream is not destroyed with an error that would then pass for the cause.
  let cause: unknown;
  body.on("error", (error) => {
    cause ??= toNetworkError(error, sourceRequest(job), source.side);
    verifier.destroy(cause as Error);
  });
  verifier.on("error", (error) => {
    if (isOciError(error)) cause ??= error;
  });
  body.pipe(verifier);
  const stopWatch = cutWhenTooSlow(body, () => done, job);
  try {
    if (job.plan.mode === "whole") {
      await put(job.to, withDigest(session.location, descriptor.digest), verifier, descriptor.size);
      session.acknowledged = descriptor.size;
    } else {
      await putChunks(job, verifier, job.plan.chunkBytes, pending);
      await commit(job, session.location);
    }
  } catch (error) {
    const targetVerdict = isRegistryError(error) && TARGET_VERDICTS.has(error.status);
    const root = targetVerdict ? error : (cause ?? error);
    if (isAbortError(error, job.signal)) throw job.signal?.reason ?? error;
    throw source.scrub(root);
  } finally {
    stopWatch();
    body.unpipe(verifier);
    body.destroy();
    verifier.destroy();
  }
}

export type OpenedSource = Awaited<ReturnType<typeof openBlobFrom>>;

/** GETs the blob at the source from `from` on. */
export function openSource(
  job: Pick<SendBlobJob, "source" | "sourceRepository" | "descriptor" | "signal">,
  from: number,
): Promise<OpenedSource> {
  return openBlobFrom(
    { client: job.source, repository: job.sourceRepository, signal: job.signal },
    job.descriptor,
    from,
  );
}

function commit(job: SendBlobJob, location: string): Promise<void> {
  return put(job.to, withDigest(location, job.descriptor.digest), Readable.from([]), 0);
}

async function put(to: BlobLocation, url: string, body: Readable, size: number): Promise<void> {
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

/**
 * PATCH chunks of `chunkBytes` (each streamed with its Content-Length, never buffered whole)
 * from the resume point. 201 and 202 both mean stored (ECR answers 201); the offset is what
 * was sent, whatever the `Range` answer says.
 */
async function putChunks(job: SendBlobJob, verified: Transform, chunkBytes: number, pending: Map<number, Hash>) {
  const { descriptor, session, to } = job;
  const reader = chunkReader(verified);
  for (let offset = job.resumeAt; offset < descriptor.size;) {
    const length = Math.min(chunkBytes, descriptor.size - offset);
    const response = await to.client.request({
      method: "PATCH",
      url: session.location,
      scopes: scopesFor(to.repository, true),
      ok: [201, 202, 204],
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
    if (typeof next === "string") session.location = new URL(next, response.url).toString();
    offset += length;
    session.acknowledged = offset;
    session.checkpoint = pending.get(offset);
    for (const key of pending.keys()) if (key <= offset) pending.delete(key);
  }
  await reader.rest();
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

/** Destroys the source body (a retryable network failure) when a window passes with too few bytes moved. */
function cutWhenTooSlow(body: Readable, bytesDone: () => number, job: SendBlobJob): () => void {
  const { lowSpeedWindowMs: windowMs, lowSpeedBytesPerSecond: perSecond } = job.source.timeouts;
  let last = bytesDone();
  const timer = setInterval(() => {
    const moved = bytesDone() - last;
    last = bytesDone();
    if (moved >= (perSecond * windowMs) / 1000) return;
    const message =
      `source registry ${job.source.registry}: blob ${job.descriptor.digest} moved fewer than ${perSecond} bytes/s over ${windowMs / 1000} s ` +
      `(${moved} bytes) on its way to the target ${job.target.registry}; cut to try again`;
    body.destroy(new NetworkError(message, { side: job.source.side, code: "LOW_SPEED" }));
  }, windowMs);
  timer.unref?.();
  return () => clearInterval(timer);
}

function sourceRequest(job: SendBlobJob) {
  return {
    method: "GET",
    url: new URL(`/v2/${job.sourceRepository}/blobs/${job.descriptor.digest}`, `https://${job.source.registry}`),
    signal: job.signal,
  };
}
