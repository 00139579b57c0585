import PgBoss from "pg-boss";
import type { z } from "zod";
import { db, type Tx } from "@/lib/db/prisma";
import { bossSchema } from "./boss";
import type { JobDefinition } from "./job-definition";
import { announceJob } from "./job-wakeup";

/** The Prisma client or transaction a job is sent on: the job exists only if that commits. */
export type JobConnection = Pick<Tx, "$queryRawUnsafe">;

export interface SendJobOptions {
  /** Send inside this transaction (default: the app's client, its own statement). */
  tx?: JobConnection;
  /** With the queue's "stately" policy: at most one job queued and one running per key. */
  singletonKey?: string;
  startAfterSeconds?: number;
}

/**
 * The one way to enqueue a job: the payload is validated by the job's own schema (a bad
 * payload fails here, at the sender), and the INSERT runs on the caller's connection, so no
 * pg-boss pool is opened in the web process.
 */
export async function sendJob<S extends z.ZodType>(
  job: Pick<JobDefinition<S>, "name" | "schema">,
  payload: z.input<S>,
  options: SendJobOptions = {},
): Promise<string | null> {
  const data = job.schema.parse(payload) as object;
  const connection = options.tx ?? db();
  const id = await sender().send(job.name, data, {
    db: executorOf(connection),
    ...(options.singletonKey ? { singletonKey: options.singletonKey } : {}),
    ...(options.startAfterSeconds ? { startAfter: options.startAfterSeconds } : {}),
  });
  // A job due now wakes an idle worker at once (job-wakeup.ts); a later one waits for its poll.
  if (id && !options.startAfterSeconds) await announceJob(connection, job.name);
  return id;
}

/**
 * Several jobs of one kind in one INSERT (and one wake-up) on the caller's connection: what
 * sendJob does for each, without a round trip per job. Under the "stately" policy a job whose
 * key already has one waiting is skipped, as with sendJob.
 */
export async function sendJobs<S extends z.ZodType>(
  job: Pick<JobDefinition<S>, "name" | "schema">,
  jobs: { payload: z.input<S>; singletonKey?: string }[],
  options: Pick<SendJobOptions, "tx"> = {},
): Promise<void> {
  if (jobs.length === 0) return;
  const rows = jobs.map(({ payload, singletonKey }) => ({
    name: job.name,
    data: job.schema.parse(payload) as object,
    ...(singletonKey ? { singletonKey } : {}),
  }));
  const connection = options.tx ?? db();
  await sender().insert(rows, { db: executorOf(connection) });
  await announceJob(connection, job.name);
}

/** Cancels jobs by id on the caller's connection (a dead worker's job under "stately"). */
export async function cancelJobs(
  job: Pick<JobDefinition, "name">,
  ids: string[],
  options: { tx?: JobConnection } = {},
): Promise<void> {
  if (ids.length === 0) return;
  await sender().cancel(job.name, ids, { db: executorOf(options.tx ?? db()) });
}

/** pg-boss used only to build its SQL: every call names the connection to run it on. */
let boss: PgBoss | undefined;

function sender(): PgBoss {
  boss ??= new PgBoss({
    schema: bossSchema,
    db: { executeSql: () => Promise.reject(new Error("sendJob: every call names its connection")) },
  });
  return boss;
}

function executorOf(client: JobConnection): {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
} {
  return {
    async executeSql(text, values = []) {
      // Payloads go to jsonb parameters as JSON text; arrays (of job ids) stay arrays.
      const params = values.map((value) =>
        value !== null && typeof value === "object" && !(value instanceof Date) && !Array.isArray(value)
          ? JSON.stringify(value)
          : value,
      );
      return { rows: await client.$queryRawUnsafe<Record<string, unknown>[]>(text, ...params) };
    },
  };
}
