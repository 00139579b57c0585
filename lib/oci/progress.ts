import type { Digest } from "./digest";
import type { FailureKind, Side } from "./errors";

export type ImageState = "checking" | "transferring" | "pushed" | "failed" | "stopped";
/** How a blob ended up at the target: already there, mounted from another repository, or uploaded. */
export type BlobOutcome = "present" | "mounted" | "uploaded";
export type BlobState = "checking" | "transferring" | "failed" | BlobOutcome;

/** Enough for the worker to persist a PromotionImage row as it changes. */
export interface ImageProgressEvent {
  type: "image";
  /** Position of the image in `items`. */
  imageIndex: number;
  source: string;
  target: string;
  state: ImageState;
  /** Bytes accounted for: present, mounted or uploaded so far. */
  bytesDone: number;
  bytesTotal: number;
  blobsDone: number;
  blobsTotal: number;
  /** The digest pushed (set once known). */
  digest?: Digest;
  failure?: { kind: FailureKind; side?: Side; message: string; retryable: boolean };
  /** Set while the image waits out a registry's rate limit (429 with a time to come back). */
  rateLimited?: { registry: string; until: string };
}

/** Enough to persist one entry of PromotionImage.layers. */
export interface BlobProgressEvent {
  type: "blob";
  imageIndex: number;
  digest: Digest;
  state: BlobState;
  bytesDone: number;
  bytesTotal: number;
  /** The target repository it was mounted from. */
  mountedFrom?: string;
}

export type CopyProgressEvent = ImageProgressEvent | BlobProgressEvent;

const TERMINAL: ReadonlySet<string> = new Set(["pushed", "failed", "stopped"]);

/**
 * Coalesces progress: per image and per blob only the latest event is kept, and pending
 * events go out on a 100 ms tick, so each reports at most ten times a second. Blob states
 * only move forward and the last event of each always goes out, so nothing a consumer
 * persists is lost. An image's terminal event flushes at once. A throwing listener is
 * ignored: progress must not break a copy.
 */
export class ProgressThrottle {
  private readonly pending = new Map<string, CopyProgressEvent>();
  private timer: NodeJS.Timeout | undefined;
  private lastFlush = 0;

  constructor(
    private readonly listener: ((event: CopyProgressEvent) => void) | undefined,
    private readonly intervalMs = 100,
    private readonly now: () => number = Date.now,
  ) {}

  push(event: CopyProgressEvent): void {
    if (!this.listener) return;
    const key = event.type === "image" ? `i${event.imageIndex}` : `b${event.imageIndex}:${event.digest}`;
    this.pending.delete(key);
    this.pending.set(key, event);
    if (event.type === "image" && TERMINAL.has(event.state)) return this.flush();
    if (this.timer) return;
    const wait = Math.max(0, this.lastFlush + this.intervalMs - this.now());
    this.timer = setTimeout(() => this.flush(), wait);
    this.timer.unref?.();
  }

  /** Delivers everything pending now (also at the end of a copy). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.lastFlush = this.now();
    const events = [...this.pending.values()];
    this.pending.clear();
    for (const event of events) {
      try {
        this.listener?.(event);
      } catch {
        // See the class comment.
      }
    }
  }
}
