import type { z } from "zod";

export interface JobContext {
  jobId: string;
  /** Aborted when the worker shuts down or the job is cancelled: stop work promptly. */
  signal: AbortSignal;
  workerId: string;
}

/** A queue job: its name, payload schema, retry policy and handler, in one place. */
export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  schema: S;
  retry: { limit: number; delaySeconds: number; backoff: boolean };
  /** How long one run may take before pg-boss considers it lost and hands it out again. */
  expireInSeconds: number;
  /** Optional cron schedule (UTC). */
  cron?: string;
  /** How many of this job one worker runs at once. */
  concurrency?: number;
  /**
   * pg-boss queue policy (default "standard"). "stately" keeps at most one queued and one
   * running job per singletonKey.
   */
  policy?: "standard" | "short" | "singleton" | "stately";
  /** Also send it once whenever a worker starts (recovery after a crash). */
  runOnStart?: boolean;
  /** How often an idle worker asks for this job (default 1 s; at least 0.5). */
  pollingIntervalSeconds?: number;
  handler(data: z.output<S>, context: JobContext): Promise<unknown>;
}

export function defineJob<S extends z.ZodType>(definition: JobDefinition<S>): JobDefinition<S> {
  return definition;
}
