import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createBoss, enqueue, ensureQueues } from "@/lib/queue/boss";
import { defineJob } from "@/lib/queue/job-definition";
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

let workers: RunningWorker[] = [];

beforeAll(async () => {
  workers = [
    await runWorker({ databaseUrl: database.url(), definitions: [echo] }),
    await runWorker({ databaseUrl: database.url(), definitions: [echo] }),
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
