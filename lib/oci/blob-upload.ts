import type { Readable } from "node:stream";
import { isAbortError, isRetryable } from "./errors";
import type { Descriptor } from "./manifest";
import type { RegistryClient } from "./registry-client";
import { isRegistryError } from "./registry-error";
import { cancelUpload, startUpload, uploadStatus, type BlobLocation } from "./remote-blob";
import { withRetry } from "./transport/retry";
import { openSource, sendBlob, type OpenedSource, type UploadSession } from "./upload-send";
import { DEFAULT_UPLOAD_POLICY, type UploadPlan, type UploadPolicy } from "./upload-strategy";

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
  /** Bytes of this blob at the target so far (a resumed upload continues from its offset). */
  onBytes?: (bytesDone: number) => void;
}

export type TransferOutcome = { kind: "mounted"; from: string } | { kind: "uploaded"; bytes: number };

// Changes of plan within one attempt (413 → chunks, smaller chunks, chunks refused → whole,
// a session that cannot continue → a fresh one) before the error stands.
const MAX_PASSES = 10;

/**
 * Moves one blob: mount when possible, else stream GET → upload with the digest checked as
 * bytes pass, as the target's UploadStrategy says (one PUT, or PATCH chunks). Never holds
 * the blob in memory or on disk. A chunked upload cut by a retryable failure resumes where
 * the registry has it (source read from there with a Range, hashing continued from the state
 * kept at that chunk boundary); anything else cancels its session (with the latest Location)
 * and starts over.
 */
export async function transferBlob(options: TransferBlobOptions): Promise<TransferOutcome> {
  const transfer = new BlobTransfer(options);
  try {
    return await withRetry(() => transfer.attempt(), { policy: options.target.retry, signal: options.signal });
  } finally {
    await transfer.abandon();
  }
}

class BlobTransfer {
  private readonly to: BlobLocation;
  private mountFrom: string | undefined;
  private session: UploadSession | undefined;

  constructor(private readonly options: TransferBlobOptions) {
    this.to = { client: options.target, repository: options.targetRepository, push: true, signal: options.signal };
    this.mountFrom = options.mountFrom;
  }

  async attempt(): Promise<TransferOutcome> {
    const { descriptor, target } = this.options;
    const policy = this.options.policy ?? DEFAULT_UPLOAD_POLICY;
    for (let pass = 0; ; pass++) {
      let opened: Promise<OpenedSource> | undefined;
      if (!this.session) {
        // A fresh upload reads from byte 0: ask the source while the target opens the session,
        // a round trip saved per blob (not when a mount may make the read unneeded).
        opened = this.mountFrom || this.options.open ? undefined : openedAhead(this.options);
        let started: Awaited<ReturnType<typeof startUploadOrMount>>;
        try {
          started = await startUploadOrMount(this.to, descriptor.digest, this.mountFrom);
        } catch (error) {
          discard(opened);
          throw error;
        }
        if (started.mounted) return { kind: "mounted", from: this.mountFrom! };
        // A mount that fell through to a plain session is not tried again: the source lacked it.
        this.mountFrom = undefined;
        this.session = { location: started.location, minChunk: started.minChunk, acknowledged: 0 };
      }
      const session = this.session;
      const plan = target.uploads.choose(descriptor.size, policy, session.minChunk);
      const resumeAt = await this.resumePoint(session, plan);
      if (resumeAt !== 0) discard(opened);
      if (resumeAt === undefined) {
        await this.abandon();
        continue;
      }
      try {
        await sendBlob({
          ...this.options,
          to: this.to,
          session,
          plan,
          resumeAt,
          ...(opened && resumeAt === 0 ? { opened } : {}),
        });
        this.session = undefined;
        return { kind: "uploaded", bytes: descriptor.size };
      } catch (error) {
        if (isAbortError(error, this.options.signal) || pass + 1 >= MAX_PASSES) throw error;
        if (target.uploads.learn(error, plan, descriptor.size, session.acknowledged)) {
          // A smaller chunk continues the same session; a change of mode starts a fresh one.
          if (plan.mode === "whole" || target.uploads.choose(descriptor.size, policy).mode === "whole")
            await this.abandon();
          continue;
        }
        // What the registry acknowledged stays: the next attempt resumes from there.
        if (plan.mode === "chunks" && session.acknowledged > 0 && isRetryable(error)) throw error;
        // A resumed session the registry will not continue (it kept part of a cut chunk, or dropped it).
        if (resumeAt > 0 && isRegistryError(error) && error.status < 500 && error.status !== 429) {
          await this.abandon();
          continue;
        }
        await this.abandon();
        throw error;
      }
    }
  }

  /** Cancels the session in flight, with the Location of its latest answer (earlier ones are stale). */
  async abandon(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    if (session) await cancelUpload(this.to, session.location);
  }

  /**
   * Where to continue: 0 for a fresh session; else what the registry acknowledged, by our
   * count of bytes sent and answered (ECR's and distribution's Range answers stall), or
   * further when the session's status says it kept more. Undefined: start afresh.
   */
  private async resumePoint(session: UploadSession, plan: UploadPlan): Promise<number | undefined> {
    if (session.acknowledged === 0) return 0;
    if (plan.mode === "whole" || (session.acknowledged < this.options.descriptor.size && !session.checkpoint))
      return undefined;
    const status = await uploadStatus(this.to, session.location);
    if (!status) return undefined;
    session.location = status.location;
    return Math.min(Math.max(status.stored, session.acknowledged), this.options.descriptor.size);
  }
}

/** The source's stream from byte 0; an error before sendBlob reads it is kept on the stream (`errored`). */
function openedAhead(options: TransferBlobOptions): Promise<OpenedSource> {
  const opened = openSource(options, 0).then((source) => {
    source.body.on("error", () => undefined);
    return source;
  });
  opened.catch(() => undefined);
  return opened;
}

/** A source stream asked for and then not needed. */
function discard(opened: Promise<OpenedSource> | undefined): void {
  opened?.then(
    ({ body }) => body.destroy(),
    () => undefined,
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
