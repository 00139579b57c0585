import crypto from "node:crypto";
import os from "node:os";
import type PgBoss from "pg-boss";
import { db } from "@/lib/db/prisma";
import { createBoss, ensureQueues } from "@/lib/queue/boss";
import { jobs } from "@/lib/queue/jobs";
import { listenForJobs } from "@/lib/queue/job-wakeup";
import type { JobDefinition } from "@/lib/queue/job-definition";
import { log } from "@/lib/log";

const heartbeatSeconds = 10;

export interface RunningWorker {
  id: string;
  stop(): Promise<void>;
}

/**
 * A worker process: takes jobs from pg-boss (each job goes to exactly one worker, however
 * many run against the database), reports a heartbeat, and on stop gives running jobs a
 * chance to finish or hand their work back.
 */
export async function runWorker(options: {
  databaseUrl: string;
  definitions?: JobDefinition[];
}): Promise<RunningWorker> {
  const definitions = options.definitions ?? jobs;
  const id = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString("hex")}`;
  const controller = new AbortController();
  const boss = createBoss(options.databaseUrl, { schedule: true, supervise: true });
  boss.on("error", (error) => log.error({ err: { message: error.message } }, "queue error"));
  await boss.start();
  await ensureQueues(boss, definitions);
  const slots = new Map<string, string[]>();
  for (const job of definitions) {
    if (job.cron) await boss.schedule(job.name, job.cron, {}, { tz: "UTC" });
    if (job.runOnStart) await boss.send(job.name, {});
    const ids: string[] = [];
    for (let slot = 0; slot < (job.concurrency ?? 1); slot += 1) {
      ids.push(
        await boss.work(job.name, { batchSize: 1, pollingIntervalSeconds: job.pollingIntervalSeconds ?? 1 }, (batch) =>
          runBatch(job, batch, { id, signal: controller.signal }),
        ),
      );
    }
    slots.set(job.name, ids);
  }
  // A sent job wakes this worker's idle slots for it now rather than at their next poll; a busy
  // slot ignores the nudge, and a fetch that finds the job taken by another worker costs one query.
  const wakeup = listenForJobs(options.databaseUrl, (name) => {
    for (const slot of slots.get(name) ?? []) boss.notifyWorker(slot);
  });
  await wakeup.ready;

  const beat = () =>
    db()
      .workerHeartbeat.upsert({
        where: { id },
        create: { id, hostname: os.hostname(), pid: process.pid },
        update: { beatAt: new Date() },
      })
      .catch((error: Error) => log.warn({ err: { message: error.message } }, "heartbeat failed"));
  await beat();
  const timer = setInterval(beat, heartbeatSeconds * 1000);
  log.info({ workerId: id, jobs: definitions.map((d) => d.name) }, "worker started");

  return {
    id,
    async stop() {
      clearInterval(timer);
      await wakeup.stop();
      controller.abort();
      await boss.stop({ graceful: true, wait: true, timeout: 15_000 });
      await db()
        .workerHeartbeat.delete({ where: { id } })
        .catch(() => {});
      log.info({ workerId: id }, "worker stopped");
    },
  };
}

async function runBatch(
  job: JobDefinition,
  batch: PgBoss.Job<unknown>[],
  worker: { id: string; signal: AbortSignal },
): Promise<unknown> {
  const results = [];
  for (const item of batch) {
    const parsed = job.schema.safeParse(item.data);
    if (!parsed.success) {
      // A payload that can never be valid is not retried: complete it with the reason.
      log.error(
        { job: job.name, jobId: item.id, issues: parsed.error.issues.map((i) => i.message) },
        "invalid job payload",
      );
      results.push({ rejected: "invalid payload" });
      continue;
    }
    results.push(await job.handler(parsed.data, { jobId: item.id, signal: worker.signal, workerId: worker.id }));
  }
  return results.length === 1 ? results[0] : results;
}
