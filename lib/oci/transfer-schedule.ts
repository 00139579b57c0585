import type { Limiter } from "./limiter";

/**
 * The blob transfer limiter of one copy call, largest blob first across every image. Over a
 * long link the copy takes at least as long as its largest blob on one connection, so that
 * blob must start first rather than queue behind small ones whose existence checks came back
 * sooner. A free slot is held (at most `maxHoldMs`) while an image that has started has not
 * yet said which blobs it needs, or while a blob larger than the best waiting one is still
 * being checked; then the largest waiting transfer starts.
 *
 * Beside the transfer with the most bytes left (the lead), only as many others run as it
 * takes for all of them to finish no later than it would, counting each connection at the
 * same rate: ⌈bytes left elsewhere / (1.1 × the lead's bytes left)⌉, at least one. On a link
 * whose connections share a bottleneck (TCP splits it evenly), each transfer more beside the
 * lead takes bandwidth from it and the copy ends later; where each connection is capped on
 * its own, the rest still ends no later than the lead. A release without a dominant blob
 * gets every slot. Blobs under 1% of the lead's bytes left are not held back.
 */
export class TransferSchedule implements Limiter {
  private readonly running = new Set<{ size: number; done: number }>();
  private get active(): number {
    return this.running.size;
  }
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
  ): { limiter: Limiter; settle: () => void; progress: (bytesDone: number) => void }[] {
    const tickets = blobs.map(({ digest, size }) => {
      const ticket: { running?: { size: number; done: number } } = {};
      // A blob another image registered first moves once (the ledger): only its first ticket holds slots.
      if (!this.seen.has(digest)) this.expected.set(ticket, size);
      this.seen.add(digest);
      return {
        limiter: {
          run: <T>(task: () => Promise<T>, signal?: AbortSignal) => this.runSized(task, size, signal, ticket),
        },
        settle: () => this.forget(ticket),
        /** Bytes of this blob at the target so far: the lead's shrinking rest makes room for more beside it. */
        progress: (bytesDone: number) => {
          if (!ticket.running) return;
          ticket.running.done = bytesDone;
          if (this.waiting.length > 0 && this.active < this.size && Date.now() - this.lastPump >= 100) this.pump();
        },
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

  private async runSized<T>(
    task: () => Promise<T>,
    size: number,
    signal?: AbortSignal,
    ticket?: { running?: { size: number; done: number } },
  ): Promise<T> {
    if (ticket) this.expected.delete(ticket);
    const running = { size, done: 0 };
    await new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const entry = {
        size,
        since: Date.now(),
        start: () => {
          signal?.removeEventListener("abort", onAbort);
          this.running.add(running);
          if (ticket) ticket.running = running;
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
      this.running.delete(running);
      if (ticket) ticket.running = undefined;
      this.pump();
    }
  }

  private forget(ticket: object): void {
    if (this.expected.delete(ticket)) this.pump();
  }

  private lastPump = 0;

  private pump(): void {
    this.lastPump = Date.now();
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
      // The largest waiting transfer, or when the lead has company enough, a tiny one.
      const next = this.roomBesideLead(best.size) ? best : this.waiting.find((w) => this.roomBesideLead(w.size));
      if (!next) return;
      this.waiting.splice(this.waiting.indexOf(next), 1);
      next.start();
    }
  }

  /** Whether a transfer of `size` bytes may start beside the lead now (see the class comment). */
  private roomBesideLead(size: number): boolean {
    let lead: { size: number; done: number } | undefined;
    for (const r of this.running) if (!lead || left(r) > left(lead)) lead = r;
    if (!lead || size >= left(lead) || size < left(lead) / 100) return true;
    let elsewhere = 0;
    let beside = 0;
    for (const r of this.running) {
      if (r === lead || left(r) < left(lead) / 100) continue;
      elsewhere += left(r);
      beside++;
    }
    for (const w of this.waiting) elsewhere += w.size;
    for (const e of this.expected.values()) elsewhere += e;
    return beside < Math.max(1, Math.ceil(elsewhere / (1.1 * left(lead))));
  }
}

function left(transfer: { size: number; done: number }): number {
  return Math.max(0, transfer.size - transfer.done);
}
