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

  it("runs only as many transfers beside a dominant blob as finish no later than it, more as it nears its end", async () => {
    const schedule = new TransferSchedule(4);
    schedule.imageStarted(0);
    const tickets = schedule.register(0, blobs(1000, 300, 200, 100, 5));
    const started: number[] = [];
    const releases = new Map<number, () => void>();
    const runs = tickets.map((ticket, i) => {
      const size = [1000, 300, 200, 100, 5][i]!;
      return ticket.limiter.run(
        () =>
          new Promise<void>((resolve) => {
            started.push(size);
            releases.set(size, resolve);
          }),
      );
    });
    await tick();
    // 600 bytes beside 1000 left: one connection beside it is enough; the tiny one does not count.
    expect(started).toEqual([1000, 300, 5]);
    tickets[0]!.progress(700); // 300 left: 300 + 200 + 100 elsewhere now need two beside it
    releases.get(5)!();
    await tick();
    expect(started).toEqual([1000, 300, 5, 200]);
    releases.get(300)!(); // 300 left of the lead, 200 + 100 elsewhere: one beside it, the 200 running
    await tick();
    expect(started).toEqual([1000, 300, 5, 200]);
    releases.get(200)!();
    await tick();
    expect(started).toEqual([1000, 300, 5, 200, 100]);
    for (const release of releases.values()) release();
    await Promise.all(runs);
  });

  it("gives every slot to a release without a dominant blob", async () => {
    const schedule = new TransferSchedule(4);
    schedule.imageStarted(0);
    const tickets = schedule.register(0, blobs(400, 300, 300, 250, 200));
    const started: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const runs = tickets.map((ticket, i) =>
      ticket.limiter.run(async () => {
        started.push([400, 300, 300, 250, 200][i]!);
        await gate;
      }),
    );
    await tick();
    expect(started).toEqual([400, 300, 300, 250]);
    release();
    await Promise.all(runs);
  });
});
