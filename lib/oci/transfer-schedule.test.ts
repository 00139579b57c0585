import { describe, expect, it } from "vitest";
import { TransferSchedule } from "./transfer-schedule";

const blobs = (...sizes: number[]) => sizes.map((size) => ({ digest: `sha256:${size}`, size }));
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("TransferSchedule", () => {
  it("starts the largest blob first, across images, once every started image said what it needs", async () => {
    const schedule = new TransferSchedule(1);
    const started: number[] = [];
    const run = (ticket: { limiter: { run: (t: () => Promise<void>) => Promise<void> } }, size: number) =>
      ticket.limiter.run(async () => {
        started.push(size);
        await tick();
      });
    schedule.imageStarted(0);
    schedule.imageStarted(1);
    const small = schedule.register(0, blobs(10, 20));
    const runs = [run(small[0]!, 10), run(small[1]!, 20)];
    await tick();
    expect(started).toEqual([]); // image 1 has not said yet
    const large = schedule.register(1, blobs(500, 30));
    await tick();
    expect(started).toEqual([]); // 500 is still being checked: it may need the slot
    runs.push(run(large[1]!, 30), run(large[0]!, 500));
    await Promise.all(runs);
    expect(started).toEqual([500, 30, 20, 10]);
  });

  it("does not wait for a blob that needs no transfer, nor longer than its hold", async () => {
    const schedule = new TransferSchedule(1, 50);
    const order: string[] = [];
    schedule.imageStarted(0);
    const [big, small] = schedule.register(0, blobs(500, 10));
    const first = small!.limiter.run(async () => void order.push("small"));
    big!.settle(); // it was at the target already
    await first;
    schedule.imageStarted(1); // never registers
    const started = Date.now();
    await schedule.run(async () => void order.push("held"));
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(order).toEqual(["small", "held"]);
  });

  it("drops a waiting transfer whose signal aborts", async () => {
    const schedule = new TransferSchedule(1);
    const controller = new AbortController();
    let release!: () => void;
    const busy = schedule.run(() => new Promise<void>((resolve) => (release = resolve)));
    const waiting = schedule.run(async () => "ran", controller.signal);
    controller.abort(new Error("stop"));
    await expect(waiting).rejects.toThrow("stop");
    release();
    await busy;
    expect(await schedule.run(async () => "next")).toBe("next");
  });

  it("holds no slot for a blob another image registered first", async () => {
    const schedule = new TransferSchedule(1, 10_000);
    schedule.imageStarted(0);
    schedule.imageStarted(1);
    const [first] = schedule.register(0, blobs(500));
    const [again, config] = schedule.register(1, [...blobs(500), { digest: "sha256:config", size: 2 }]);
    first!.settle(); // at the target already; image 1's copy of it waits on the ledger, not on a slot
    expect(await config!.limiter.run(async () => "config")).toBe("config");
    again!.settle();
  });
});
