import { db } from "@/lib/db/prisma";
import type { CopyProgressEvent } from "@/lib/oci/progress";
import { PROMOTION_PROGRESS_CHANNEL } from "./promotion-progress-channel";

interface Layer {
  digest: string;
  size: number;
  state: string;
  bytesDone: number;
}

/**
 * Persists one image's copy progress — bytes, blobs and per-layer state — at most once per
 * `intervalMs`, each write with the worker's heartbeat and a progress notification. Writes
 * are conditional on the row still being this worker's pushing image; when it is not (an
 * operator stopped it, recovery took it back) `onLost` is called so the copy aborts.
 */
export class ImageProgressWriter {
  private totals = { bytesDone: 0, bytesTotal: 0, blobsDone: 0, blobsTotal: 0 };
  private notice: string | null = null;
  private readonly layers = new Map<string, Layer>();
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private lastWrite = 0;
  /** Rows written (for tests of the throttle). */
  writes = 0;

  constructor(
    private readonly image: { id: string; promotionId: string; workerId: string },
    private readonly options: { intervalMs: number; onLost: () => void },
  ) {}

  push(event: CopyProgressEvent): void {
    if (event.type === "image") {
      this.totals = {
        bytesDone: event.bytesDone,
        bytesTotal: event.bytesTotal,
        blobsDone: event.blobsDone,
        blobsTotal: event.blobsTotal,
      };
      this.notice = event.rateLimited ? rateLimitNotice(event.rateLimited) : null;
    } else {
      this.layers.set(event.digest, {
        digest: event.digest,
        size: event.bytesTotal,
        state: event.state,
        bytesDone: event.bytesDone,
      });
    }
    this.dirty = true;
    this.schedule();
  }

  /** Writes what is pending and waits for writes in flight. */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.writing;
    if (this.dirty) await this.write();
  }

  get snapshot() {
    return { ...this.totals, layers: [...this.layers.values()] };
  }

  private schedule(): void {
    if (this.timer || this.writing) return;
    const wait = Math.max(0, this.lastWrite + this.options.intervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.writing = this.write().finally(() => {
        this.writing = undefined;
        if (this.dirty) this.schedule();
      });
    }, wait);
    this.timer.unref?.();
  }

  private async write(): Promise<void> {
    this.dirty = false;
    this.lastWrite = Date.now();
    this.writes += 1;
    const { layers, ...totals } = this.snapshot;
    const notice = this.notice;
    const { id, workerId } = this.image;
    // Until the copy has listed the image's blobs (and never, when the target already has the
    // manifest) it reports 0 of 0: keep the totals and layers the row has (planned, or from the
    // attempt before a stop) instead of showing an image of the release as empty.
    const known = totals.blobsTotal > 0;
    try {
      // One statement, one round trip: the write and its notification commit together.
      // Timestamps are stored as UTC wall-clock time, as Prisma writes them.
      const rows = await db().$queryRaw<{ notified: string }[]>`
        WITH updated AS (
          UPDATE "PromotionImage"
          SET "bytesDone" = CASE WHEN ${known} THEN ${BigInt(totals.bytesDone)} ELSE "bytesDone" END,
              "bytesTotal" = CASE WHEN ${known} THEN ${BigInt(totals.bytesTotal)} ELSE "bytesTotal" END,
              "blobsDone" = CASE WHEN ${known} THEN ${totals.blobsDone} ELSE "blobsDone" END,
              "blobsTotal" = CASE WHEN ${known} THEN ${totals.blobsTotal} ELSE "blobsTotal" END,
              "layers" = CASE WHEN ${known} THEN ${JSON.stringify(layers)}::jsonb ELSE "layers" END, "notice" = ${notice}, "heartbeatAt" = now() AT TIME ZONE 'UTC', "updatedAt" = now() AT TIME ZONE 'UTC'
          WHERE id = ${id} AND status = 'pushing' AND "workerId" = ${workerId}
          RETURNING "promotionId"
        )
        SELECT pg_notify(${PROMOTION_PROGRESS_CHANNEL}, "promotionId")::text AS notified FROM updated`;
      const still = rows.length > 0;
      if (!still) this.options.onLost();
    } catch {
      // A failed progress write must not fail the copy; the next one carries the same state.
      this.dirty = true;
    }
  }
}

/** "rate limited by docker.io until 14:05 UTC": what the image's status line says while it waits. */
export function rateLimitNotice(limit: { registry: string; until: string }): string {
  return `rate limited by ${limit.registry} until ${limit.until.slice(11, 16)} UTC`;
}
