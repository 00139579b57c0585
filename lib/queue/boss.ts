import PgBoss from "pg-boss";
import type { z } from "zod";
import type { JobDefinition } from "./job-definition";

/** pg-boss keeps its tables in their own schema of the app's database. */
export const bossSchema = "pgboss";

export function createBoss(
  connectionString: string,
  options: { schedule?: boolean; supervise?: boolean } = {},
): PgBoss {
  return new PgBoss({
    connectionString,
    schema: bossSchema,
    max: 4,
    schedule: options.schedule ?? false,
    supervise: options.supervise ?? false,
  });
}

/** Creates (or updates) the queue of each job with its retry policy. */
export async function ensureQueues(boss: PgBoss, definitions: JobDefinition[]): Promise<void> {
  for (const job of definitions) {
    const queue = {
      name: job.name,
      retryLimit: job.retry.limit,
      retryDelay: job.retry.delaySeconds,
      retryBackoff: job.retry.backoff,
      expireInSeconds: job.expireInSeconds,
      ...(job.policy ? { policy: job.policy } : {}),
    };
    if (await boss.getQueue(job.name)) await boss.updateQueue(job.name, queue);
    else await boss.createQueue(job.name, queue);
  }
}

/** Enqueues a job after validating its payload, so a bad payload fails at the sender. */
export async function enqueue<S extends z.ZodType>(
  boss: PgBoss,
  job: JobDefinition<S>,
  data: z.input<S>,
  options: PgBoss.SendOptions = {},
): Promise<string | null> {
  const payload = job.schema.parse(data) as object;
  return boss.send(job.name, payload, options);
}
