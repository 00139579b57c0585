import type { Digest } from "./digest";
import type { Descriptor } from "./manifest";
import type { RateLimitNotice } from "./transport/rate-limit";
import type { BlobOutcome, BlobState, ImageProgressEvent, ImageState, ProgressThrottle } from "./progress";

interface BlobEntry {
  size: number;
  state: BlobState;
  bytesDone: number;
}

const SETTLED: ReadonlySet<BlobState> = new Set<BlobOutcome>(["present", "mounted", "uploaded"]);

/** One image's blob states, summed into image events (bytes and blobs done of total). */
export class ImageTracker {
  private readonly blobs = new Map<Digest, BlobEntry>();
  private state: ImageState = "checking";
  private digest?: Digest;
  private rateLimit?: RateLimitNotice;

  constructor(
    private readonly progress: ProgressThrottle,
    private readonly base: Pick<ImageProgressEvent, "imageIndex" | "source" | "target">,
  ) {}

  /** The blobs the image needs; those already settled by an earlier call keep their state. */
  setBlobs(descriptors: Descriptor[]): void {
    for (const d of descriptors) {
      if (!this.blobs.has(d.digest)) this.blobs.set(d.digest, { size: d.size, state: "checking", bytesDone: 0 });
    }
    this.emit();
  }

  blob(digest: Digest, state: BlobState, bytesDone: number, mountedFrom?: string): void {
    const entry = this.blobs.get(digest);
    if (!entry) return;
    entry.state = state;
    // Never backwards: a blob that starts over shows its best count until the new try passes it.
    entry.bytesDone = SETTLED.has(state) ? bytesDone : Math.max(entry.bytesDone, bytesDone);
    this.progress.push({
      type: "blob",
      imageIndex: this.base.imageIndex,
      digest,
      state,
      bytesDone: entry.bytesDone,
      bytesTotal: entry.size,
      ...(mountedFrom ? { mountedFrom } : {}),
    });
    if (state === "transferring" && this.state === "checking") this.state = "transferring";
    this.emit();
  }

  image(state: ImageState, extra: Pick<ImageProgressEvent, "digest" | "failure"> = {}): void {
    this.state = state;
    if (extra.digest) this.digest = extra.digest;
    this.emit(extra.failure);
  }

  /** A rate-limit wait began (or ended, with undefined); the image says so until it ends. */
  rateLimited(notice: RateLimitNotice | undefined): void {
    this.rateLimit = notice;
    this.emit();
  }

  totals(): { bytesDone: number; bytesTotal: number; blobsDone: number; blobsTotal: number } {
    let bytesDone = 0;
    let bytesTotal = 0;
    let blobsDone = 0;
    for (const entry of this.blobs.values()) {
      bytesTotal += entry.size;
      bytesDone += SETTLED.has(entry.state) ? entry.size : entry.bytesDone;
      if (SETTLED.has(entry.state)) blobsDone++;
    }
    return { bytesDone, bytesTotal, blobsDone, blobsTotal: this.blobs.size };
  }

  /** Blob counts by how they settled, for the result. */
  outcomes(): { blobs: Record<BlobOutcome, number>; bytesTransferred: number } {
    const blobs: Record<BlobOutcome, number> = { present: 0, mounted: 0, uploaded: 0 };
    let bytesTransferred = 0;
    for (const entry of this.blobs.values()) {
      if (!SETTLED.has(entry.state)) continue;
      blobs[entry.state as BlobOutcome]++;
      if (entry.state === "uploaded") bytesTransferred += entry.size;
    }
    return { blobs, bytesTransferred };
  }

  private emit(failure?: ImageProgressEvent["failure"]): void {
    this.progress.push({
      type: "image",
      ...this.base,
      state: this.state,
      ...this.totals(),
      ...(this.digest ? { digest: this.digest } : {}),
      ...(failure ? { failure } : {}),
      ...(this.rateLimit
        ? { rateLimited: { registry: this.rateLimit.registry, until: this.rateLimit.until.toISOString() } }
        : {}),
    });
  }
}
