import type { Limiter } from "./limiter";

/**
 * The blob transfer limiter of one copy call, largest blob first across every image. Over a
 * long link the copy takes at least as long as its largest blob on one connection, so that
 * blob must start first rather than queue behind small ones whose existence checks came back
 * sooner. A free slot is held (at most `maxHoldMs`) while an image that has started has not
 * yet said which blobs it needs, or while a blob larger than the best waiting one is still
 * being checked; then the largest waiting transfer starts.
 */
export class TransferSchedule implements Limiter {
  private active = 0;
  private readonly waiting: { size: number; since: number; start: () => void }[] = [];
  private readonly unregistered = new Set<number>();
  private readonly expected = new Map<object, number>();
  private readonly seen = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly size: number,
    private readonly maxHoldMs = 2_000,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`a limit must be a whole number ≥ 1, got ${size}`);
  }

  /** An image began: its blobs are not known yet. */
  imageStarted(imageIndex: number): void {
    this.unregistered.add(imageIndex);
  }

  /**
   * The image's blobs that may need a transfer (or none: it finished or failed before). Each
   * gets a limiter to hand to ensureBlob and a `settle` for when its ensureBlob is over.
   */
  register(
    imageIndex: number | undefined,
    blobs: { digest: string; size: number }[],
  ): { limiter: Limiter; settle: () => void }[] {
    const tickets = blobs.map(({ digest, size }) => {
      const ticket = {};
      // A blob another image registered first moves once (the ledger): only its first ticket holds slots.
      if (!this.seen.has(digest)) this.expected.set(ticket, size);
      this.seen.add(digest);
      return {
        limiter: {
          run: <T>(task: () => Promise<T>, signal?: AbortSignal) => this.runSized(task, size, signal, ticket),
        },
        settle: () => this.forget(ticket),
      };
    });
    if (imageIndex !== undefined) this.unregistered.delete(imageIndex);
    this.pump();
    return tickets;
  }

  imageDone(imageIndex: number): void {
    if (this.unregistered.delete(imageIndex)) this.pump();
  }

  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.runSized(task, 0, signal);
  }

  private async runSized<T>(task: () => Promise<T>, size: number, signal?: AbortSignal, ticket?: object): Promise<T> {
    if (ticket) this.expected.delete(ticket);
    await new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const entry = {
        size,
        since: Date.now(),
        start: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        const at = this.waiting.indexOf(entry);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(signal?.reason);
        this.pump();
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiting.push(entry);
      this.pump();
    });
    try {
      return await task();
    } finally {
      this.active--;
      this.pump();
    }
  }

  private forget(ticket: object): void {
    if (this.expected.delete(ticket)) this.pump();
  }

  private pump(): void {
    while (this.active < this.size && this.waiting.length > 0) {
      const best = this.waiting.reduce((a, b) => (b.size > a.size ? b : a));
      const oldest = Math.min(...this.waiting.map((w) => w.since));
      const larger = [...this.expected.values()].some((size) => size > best.size);
      const held = (this.unregistered.size > 0 || larger) && Date.now() - oldest < this.maxHoldMs;
      if (held) {
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.pump(), oldest + this.maxHoldMs - Date.now() + 1);
        this.timer.unref?.();
        return;
      }
      this.waiting.splice(this.waiting.indexOf(best), 1);
      this.active++;
      best.start();
    }
  }
}
