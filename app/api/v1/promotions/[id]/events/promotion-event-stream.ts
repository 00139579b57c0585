import "server-only";
import { log, scrubUrlCredentials } from "@/lib/log";
import type { PromotionView } from "@/lib/promotions/promotion-view";
import type { ProgressSubscription } from "./progress-listener";

/** Comments that keep proxies and load balancers from closing an idle stream. */
const defaultHeartbeatMs = 15_000;
/** The browser reconnects this long after the stream ends (e.g. the listener lost its connection). */
const reconnectMs = 1_000;

interface StreamOptions {
  promotionId: string;
  /** The request's signal: aborts when the browser goes away. */
  signal: AbortSignal;
  listener: { subscribe(promotionId: string, subscription: ProgressSubscription): Promise<() => void> };
  read: (promotionId: string) => Promise<PromotionView | null>;
  heartbeatMs?: number;
  /**
   * Asked at every heartbeat: false once the caller may no longer read (its token revoked or
   * expired, its session ended, its user disabled), and the stream ends.
   */
  stillAllowed?: () => Promise<boolean>;
}

/**
 * The event stream of one promotion. Each notification asks for a fresh view; while a read
 * is running, further notifications only mark it stale, so a burst of writes costs at most
 * one more read and the browser always ends on the newest state. An unchanged view is not
 * sent twice.
 */
export async function promotionEventStream({
  promotionId,
  signal,
  listener,
  read,
  heartbeatMs = defaultHeartbeatMs,
  stillAllowed = async () => true,
}: StreamOptions): Promise<ReadableStream<Uint8Array>> {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let closed = false;
  let reading = false;
  let stale = false;
  let lastSent = "";
  let unsubscribe: () => void = () => {};
  const timers: { heartbeat?: ReturnType<typeof setInterval> } = {};

  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    cancel() {
      close();
    },
  });

  function write(text: string): void {
    if (closed) return;
    try {
      controller.enqueue(encoder.encode(text));
    } catch {
      close();
    }
  }

  function close(): void {
    if (closed) return;
    closed = true;
    clearInterval(timers.heartbeat);
    signal.removeEventListener("abort", close);
    unsubscribe();
    try {
      controller.close();
    } catch {
      // already closed by the reader
    }
  }

  async function refresh(): Promise<void> {
    if (closed) return;
    if (reading) {
      stale = true;
      return;
    }
    reading = true;
    try {
      do {
        stale = false;
        const view = await read(promotionId);
        if (closed) return;
        if (!view) {
          write(`event: gone\ndata: {}\n\n`);
          close();
          return;
        }
        const data = JSON.stringify(view, (_key, value) => (typeof value === "bigint" ? Number(value) : value));
        if (data !== lastSent) {
          lastSent = data;
          write(`data: ${data}\n\n`);
        }
      } while (stale && !closed);
    } catch (error) {
      log.warn(
        { promotionId, err: { message: scrubUrlCredentials(String((error as Error)?.message ?? error)) } },
        "promotion event stream could not read the promotion",
      );
      close();
    } finally {
      reading = false;
    }
  }

  async function heartbeat(): Promise<void> {
    const allowed = await stillAllowed().catch((error: unknown) => {
      log.warn(
        { promotionId, err: { message: scrubUrlCredentials(String((error as Error)?.message ?? error)) } },
        "promotion event stream could not re-check its caller",
      );
      return false;
    });
    if (allowed) write(": heartbeat\n\n");
    else close();
  }

  if (signal.aborted) {
    close();
    return stream;
  }
  signal.addEventListener("abort", close);
  write(`retry: ${reconnectMs}\n\n`);
  const stop = await listener.subscribe(promotionId, { onNotify: () => void refresh(), onLost: close });
  if (closed) {
    stop();
    return stream;
  }
  unsubscribe = stop;
  timers.heartbeat = setInterval(() => void heartbeat(), heartbeatMs);
  // The first view is read after LISTEN is in place, so no write between the two is missed.
  void refresh();
  return stream;
}
