import "server-only";
import { log } from "@/lib/log";
import type { CopyProgressEvent } from "@/lib/oci/progress";
import { addToCounters, type CounterIncrement } from "./metric-counters";

/** Upper bounds (seconds) of the blob transfer duration histogram. */
export const blobTransferBuckets = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

export const blobMetricNames = {
  bytesMoved: "gantry_bytes_moved_total",
  blobsMounted: "gantry_blobs_mounted_total",
  transferDuration: "gantry_blob_transfer_duration_seconds",
} as const;

/**
 * Watches a copy's progress events and, on `flush`, adds what it saw to the database
 * counters: bytes uploaded and blobs mounted at the target, and how long each uploaded blob
 * took. A blob's time runs from its first event to its "uploaded"; events arrive coalesced on a
 * 100 ms tick, so that is the resolution. Blobs that already existed count in neither.
 */
export class BlobTransferMeter {
  private readonly firstSeen = new Map<string, number>();
  private bytesMoved = 0;
  private blobsMounted = 0;
  private readonly durations: number[] = [];

  constructor(
    private readonly targetRegistryId: string,
    private readonly now: () => number = Date.now,
  ) {}

  observe(event: CopyProgressEvent): void {
    if (event.type !== "blob") return;
    const key = `${event.imageIndex}:${event.digest}`;
    if (!this.firstSeen.has(key)) this.firstSeen.set(key, this.now());
    if (event.state === "mounted") this.blobsMounted += 1;
    if (event.state === "uploaded") {
      this.bytesMoved += event.bytesTotal;
      this.durations.push((this.now() - this.firstSeen.get(key)!) / 1000);
    }
  }

  /** Writes what was seen since the last flush; never throws (metrics must not fail a copy). */
  async flush(): Promise<void> {
    const target = { target: this.targetRegistryId };
    const increments: CounterIncrement[] = [
      { name: blobMetricNames.bytesMoved, labels: target, value: this.bytesMoved },
      { name: blobMetricNames.blobsMounted, labels: target, value: this.blobsMounted },
      { name: `${blobMetricNames.transferDuration}_count`, labels: target, value: this.durations.length },
      {
        name: `${blobMetricNames.transferDuration}_sum`,
        labels: target,
        value: this.durations.reduce((a, b) => a + b, 0),
      },
      ...[...blobTransferBuckets, Number.POSITIVE_INFINITY].map((le) => ({
        name: `${blobMetricNames.transferDuration}_bucket`,
        labels: { ...target, le: le === Number.POSITIVE_INFINITY ? "+Inf" : String(le) },
        value: this.durations.filter((d) => d <= le).length,
      })),
    ];
    this.bytesMoved = 0;
    this.blobsMounted = 0;
    this.durations.length = 0;
    await addToCounters(increments).catch((error: Error) =>
      log.warn({ err: { message: error.message } }, "could not record blob metrics"),
    );
  }
}
