import crypto from "node:crypto";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { megabitsToBytesPerSecond, Throttle } from "./throttle";

const KiB = 1024;

function clock() {
  let now = 0;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

async function drain(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe("Throttle", () => {
  it("lets a burst go at once, then makes each taker wait for what it owes, in turn", () => {
    const time = clock();
    const throttle = new Throttle(1_000_000, time);
    // Burst: 64 KiB (a twentieth of a second would be only 50 kB).
    expect(throttle.reserve(64 * KiB)).toBe(0);
    expect(throttle.reserve(100_000)).toBeCloseTo(100, 6);
    // A second taker queues behind the first one's debt.
    expect(throttle.reserve(100_000)).toBeCloseTo(200, 6);
    time.advance(200);
    expect(throttle.reserve(0)).toBe(0);
    // Idle time refills up to the burst only.
    time.advance(10_000);
    expect(throttle.reserve(64 * KiB)).toBe(0);
    expect(throttle.reserve(1000)).toBeCloseTo(1, 6);
  });

  it("a new rate applies to the next bytes; a debt is kept", () => {
    const time = clock();
    const throttle = new Throttle(2_000_000, time);
    // The burst at 2 MB/s: 100 kB.
    expect(throttle.reserve(100_000)).toBe(0);
    expect(throttle.reserve(200_000)).toBeCloseTo(100, 6);
    throttle.setRate(1_000_000);
    expect(throttle.rate).toBe(1_000_000);
    // 200 kB still owed plus 100 kB more, at the new rate.
    expect(throttle.reserve(100_000)).toBeCloseTo(300, 6);
    throttle.setRate(Infinity);
    expect(throttle.reserve(10_000_000)).toBe(0);
  });

  it("no limit: null, 0 or Infinity", () => {
    for (const rate of [Infinity, 0, -5, megabitsToBytesPerSecond(null)]) {
      const throttle = new Throttle(rate);
      expect(throttle.rate).toBe(Infinity);
      expect(throttle.reserve(1e12)).toBe(0);
    }
    expect(megabitsToBytesPerSecond(80)).toBe(10_000_000);
  });

  it("two streams paced together carry every byte and together keep to the rate", async () => {
    const rate = 4_000_000;
    const throttle = new Throttle(rate);
    const data = [crypto.randomBytes(1_000_000), crypto.randomBytes(1_000_000)];
    const started = performance.now();
    const out = await Promise.all(data.map((bytes) => drain(throttle.pace(Readable.from([bytes])))));
    const seconds = (performance.now() - started) / 1000;
    expect(out.map((bytes, i) => bytes.equals(data[i]!))).toEqual([true, true]);
    // 2 MB at 4 MB/s: 0.5 s, less the first burst (200 kB); at most a little more under load.
    expect(seconds).toBeGreaterThanOrEqual((2_000_000 - rate / 20) / rate - 0.02);
    expect(seconds).toBeLessThan(5);
  });

  it("raising the rate mid-stream speeds the stream up", async () => {
    const throttle = new Throttle(500_000);
    const started = performance.now();
    setTimeout(() => throttle.setRate(50_000_000), 200);
    // 1 MB at 0.5 MB/s would take 2 s; after 200 ms the rest goes at 50 MB/s.
    await drain(throttle.pace(Readable.from([crypto.randomBytes(1_000_000)])));
    expect(performance.now() - started).toBeLessThan(1500);
  });
});
