import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * A byte budget per second shared by every stream it paces: a token bucket whose rate can be
 * changed while streams run (a share of a cap that rebalances as copies start and end).
 * Takers reserve their bytes in turn, so a debt makes the next taker wait too and the streams
 * together never pass the rate by more than the bucket's burst.
 */
export class Throttle {
  private bytesPerSecond: number;
  private tokens: number;
  private last: number;
  private readonly now: () => number;

  /** `bytesPerSecond` Infinity (or 0 and below) means no limit. */
  constructor(bytesPerSecond: number, options: { now?: () => number } = {}) {
    this.now = options.now ?? (() => performance.now());
    this.bytesPerSecond = normalize(bytesPerSecond);
    this.tokens = this.burst();
    this.last = this.now();
  }

  get rate(): number {
    return this.bytesPerSecond;
  }

  /** Takes effect for the next bytes taken; what is already owed is kept. */
  setRate(bytesPerSecond: number): void {
    this.refill();
    this.bytesPerSecond = normalize(bytesPerSecond);
    this.tokens = Math.min(this.tokens, this.burst());
  }

  /** Milliseconds to wait before `bytes` may go; the bytes are counted as sent from now on. */
  reserve(bytes: number): number {
    if (this.bytesPerSecond === Infinity) return 0;
    this.refill();
    this.tokens -= bytes;
    return this.tokens >= 0 ? 0 : (-this.tokens / this.bytesPerSecond) * 1000;
  }

  /**
   * The stream's bytes, at most as fast as the budget lets them go (in slices, so a rate
   * change acts soon). A stream that starts while there is no limit is left as it is.
   */
  pace(stream: Readable): Readable {
    if (this.bytesPerSecond === Infinity) return stream;
    return Readable.from(this.slices(stream), { objectMode: false });
  }

  private async *slices(stream: Readable): AsyncGenerator<Buffer> {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      for (let offset = 0; offset < chunk.length; offset += SLICE) {
        const slice = chunk.subarray(offset, offset + SLICE);
        const wait = this.reserve(slice.length);
        if (wait > 0) await sleep(wait);
        yield slice;
      }
    }
  }

  private refill(): void {
    const now = this.now();
    if (this.bytesPerSecond !== Infinity)
      this.tokens = Math.min(this.burst(), this.tokens + ((now - this.last) / 1000) * this.bytesPerSecond);
    this.last = now;
  }

  /** A twentieth of a second's worth (at least one slice): smooth, yet no timer per small chunk. */
  private burst(): number {
    return this.bytesPerSecond === Infinity ? Infinity : Math.max(SLICE, this.bytesPerSecond / 20);
  }
}

const SLICE = 64 * 1024;

/** Megabits per second (as links are sold) to bytes per second; null or undefined: no limit. */
export function megabitsToBytesPerSecond(mbps: number | null | undefined): number {
  return mbps && mbps > 0 ? (mbps * 1_000_000) / 8 : Infinity;
}

function normalize(bytesPerSecond: number): number {
  return Number.isFinite(bytesPerSecond) && bytesPerSecond > 0 ? bytesPerSecond : Infinity;
}
