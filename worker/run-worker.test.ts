import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createBoss, enqueue, ensureQueues } from "@/lib/queue/boss";
import { defineJob } from "@/lib/queue/job-definition";
import { sendJob } from "@/lib/queue/send-job";
import { setupTestDatabase } from "@/test/support/database";
import { runWorker, type RunningWorker } from "./run-worker";

const database = setupTestDatabase();
const seen: { value: number; workerId: string }[] = [];

const echo = defineJob({
  name: "test.echo",
  schema: z.object({ value: z.number() }),
  retry: { limit: 3, delaySeconds: 1, backoff: false },
  expireInSeconds: 30,
  async handler(data, context) {
    seen.push({ value: data.value, workerId: context.workerId });
  },
});

// Polled only every 60 s: a job of this kind is taken sooner only if sending it woke a worker.
const slowPoll = defineJob({
  name: "test.slow-poll",
  schema: z.object({ value: z.number() }),
  retry: { limit: 0, delaySeconds: 1, backoff: false },
  expireInSeconds: 30,
  pollingIntervalSeconds: 60,
  async handler(data) {
    woken.push(data.value);
  },
});
const woken: number[] = [];

let workers: RunningWorker[] = [];

beforeAll(async () => {
  workers = [
    await runWorker({ databaseUrl: database.url(), definitions: [echo, slowPoll] }),
    await runWorker({ databaseUrl: database.url(), definitions: [echo, slowPoll] }),
  ];
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
});

describe("worker", () => {
  it("reports a heartbeat per worker and removes it on stop", async () => {
    expect(await database.db().workerHeartbeat.count()).toBe(2);
  });

  it("runs each job exactly once across two workers", async () => {
    const boss = createBoss(database.url());
    await boss.start();
    await ensureQueues(boss, [echo]);
    for (let i = 0; i < 20; i += 1) await enqueue(boss, echo, { value: i });
    const deadline = Date.now() + 30_000;
    while (seen.length < 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    await boss.stop({ graceful: false });
    expect(seen.map((s) => s.value).sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
  });

  it("takes a job sent through sendJob at once, not at the next poll (60 s here)", async () => {
    // Both workers made their first (empty) fetch when they started; now they sleep until woken.
    await new Promise((r) => setTimeout(r, 1_000));
    await sendJob(slowPoll, { value: 7 });
    const deadline = Date.now() + 15_000;
    while (woken.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(woken).toEqual([7]);
  });

  it("refuses to enqueue an invalid payload at the sender", async () => {
    const boss = createBoss(database.url());
    await boss.start();
    await expect(enqueue(boss, echo, { value: "nope" } as unknown as { value: number })).rejects.toThrow();
    await boss.stop({ graceful: false });
  });

  it("stops cleanly and forgets its heartbeat", async () => {
    await workers.pop()!.stop();
    expect(await database.db().workerHeartbeat.count()).toBe(1);
  });
});
