import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PromotionView } from "@/lib/promotions/promotion-view";
import { setupTestDatabase } from "@/test/support/database";
import { progressChannel, progressListener } from "./progress-listener";
import { promotionEventStream } from "./promotion-event-stream";

// Real Postgres: the listener LISTENs on a dedicated connection, NOTIFY comes from another,
// as the worker's progress writes do.
const database = setupTestDatabase();
let notifier: pg.Client;

beforeAll(async () => {
  notifier = new pg.Client({ connectionString: database.url() });
  await notifier.connect();
});
afterAll(() => notifier?.end());

const notify = (id: string) => notifier.query("SELECT pg_notify($1, $2)", [progressChannel, id]);

/** A stand-in for getPromotion: a counter the test moves, and how many reads were made. */
function fakePromotion(id: string) {
  const state = { bytes: 0, reads: 0, exists: true };
  const read = async (asked: string) => {
    state.reads += 1;
    await new Promise((resolve) => setTimeout(resolve, 20));
    return state.exists && asked === id
      ? ({ id, totals: { bytesDone: state.bytes } } as unknown as PromotionView)
      : null;
  };
  return { state, read };
}

/** Reads events off the stream as they come. */
function eventReader(stream: ReadableStream<Uint8Array>) {
  const reader = stream
    .pipeThrough(new TextDecoderStream() as unknown as ReadableWritablePair<string, Uint8Array>)
    .getReader();
  let buffer = "";
  return {
    async next(timeoutMs = 5_000): Promise<{ event: string; data: string } | "closed"> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const end = buffer.indexOf("\n\n");
        if (end !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block
            .split("\n")
            .filter((l) => l.startsWith("data: "))
            .map((l) => l.slice(6))
            .join("\n");
          if (!data) continue; // retry: and comments
          return { event: /^event: (.+)$/m.exec(block)?.[1] ?? "message", data };
        }
        const chunk = await Promise.race([
          reader.read(),
          new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), Math.max(0, deadline - Date.now()))),
        ]);
        if (chunk === "timeout") throw new Error("no event within the time limit");
        if (chunk.done) return "closed";
        buffer += chunk.value;
      }
    },
    cancel: () => reader.cancel(),
  };
}

async function listenerConnections(): Promise<number> {
  const result = await notifier.query<{ n: string }>(
    "SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'gantry-progress-listener' AND datname = current_database()",
  );
  return Number(result.rows[0]!.n);
}

describe("promotionEventStream", () => {
  it("sends the view at once and again after each notification for its promotion", async () => {
    const promotion = fakePromotion("p1");
    const abort = new AbortController();
    const events = eventReader(
      await promotionEventStream({
        promotionId: "p1",
        signal: abort.signal,
        listener: progressListener(),
        read: promotion.read,
      }),
    );
    expect(JSON.parse(((await events.next()) as { data: string }).data)).toMatchObject({
      id: "p1",
      totals: { bytesDone: 0 },
    });

    promotion.state.bytes = 1_000;
    await notify("p1");
    expect(JSON.parse(((await events.next()) as { data: string }).data)).toMatchObject({
      totals: { bytesDone: 1_000 },
    });

    // Another promotion's progress costs this stream nothing.
    const reads = promotion.state.reads;
    await notify("someone-else");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(promotion.state.reads).toBe(reads);
    abort.abort();
  });

  it("coalesces a burst into a few reads and ends on the newest state", async () => {
    const promotion = fakePromotion("p2");
    const abort = new AbortController();
    const events = eventReader(
      await promotionEventStream({
        promotionId: "p2",
        signal: abort.signal,
        listener: progressListener(),
        read: promotion.read,
      }),
    );
    await events.next();
    const before = promotion.state.reads;
    for (let i = 1; i <= 50; i += 1) {
      promotion.state.bytes = i * 100;
      await notify("p2");
    }
    let last = 0;
    while (last < 5_000)
      last = (JSON.parse(((await events.next()) as { data: string }).data) as { totals: { bytesDone: number } }).totals
        .bytesDone;
    expect(last).toBe(5_000);
    expect(promotion.state.reads - before).toBeLessThan(50);
    abort.abort();
  });

  it("closes on abort and releases the listening connection with the last stream", async () => {
    const promotion = fakePromotion("p3");
    const first = new AbortController();
    const second = new AbortController();
    const a = eventReader(
      await promotionEventStream({
        promotionId: "p3",
        signal: first.signal,
        listener: progressListener(),
        read: promotion.read,
      }),
    );
    const b = eventReader(
      await promotionEventStream({
        promotionId: "p3",
        signal: second.signal,
        listener: progressListener(),
        read: promotion.read,
      }),
    );
    await a.next();
    await b.next();
    expect(await listenerConnections()).toBe(1);

    first.abort();
    expect(await a.next()).toBe("closed");
    expect(await listenerConnections()).toBe(1);
    second.abort();
    expect(await b.next()).toBe("closed");
    await expect.poll(listenerConnections, { timeout: 5_000 }).toBe(0);
  });

  it("sends a heartbeat comment while nothing changes", async () => {
    const promotion = fakePromotion("p5");
    const abort = new AbortController();
    const stream = await promotionEventStream({
      promotionId: "p5",
      signal: abort.signal,
      listener: progressListener(),
      read: promotion.read,
      heartbeatMs: 50,
    });
    const reader = stream
      .pipeThrough(new TextDecoderStream() as unknown as ReadableWritablePair<string, Uint8Array>)
      .getReader();
    let text = "";
    while (!text.includes(": heartbeat\n\n")) text += (await reader.read()).value ?? "";
    expect(text).toMatch(/^retry: 1000\n\n/);
    abort.abort();
  });

  it("says the promotion is gone and closes when it no longer exists", async () => {
    const promotion = fakePromotion("p4");
    const abort = new AbortController();
    const events = eventReader(
      await promotionEventStream({
        promotionId: "p4",
        signal: abort.signal,
        listener: progressListener(),
        read: promotion.read,
      }),
    );
    await events.next();
    promotion.state.exists = false;
    await notify("p4");
    expect(await events.next()).toEqual({ event: "gone", data: "{}" });
    expect(await events.next()).toBe("closed");
    await expect.poll(listenerConnections, { timeout: 5_000 }).toBe(0);
  });
});
