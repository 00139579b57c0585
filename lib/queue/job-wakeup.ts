import pg from "pg";
import { log } from "@/lib/log";
import type { JobConnection } from "./send-job";

/**
 * The Postgres channel a sent job is announced on, with the job's name as payload. Sent on the
 * sender's connection, so inside a transaction it is heard only once the job exists.
 */
export const JOB_SENT_CHANNEL = "gantry_job_sent";

export async function announceJob(connection: JobConnection, name: string): Promise<void> {
  // Wrapped: pg_notify answers `void`, which a raw query cannot hand back as a column.
  await connection.$queryRawUnsafe(
    `SELECT count(*)::int AS sent FROM (SELECT pg_notify('${JOB_SENT_CHANNEL}', $1)) AS n`,
    name,
  );
}

/**
 * A worker's ear for sent jobs: one dedicated connection LISTENs and calls `onJob(name)` for
 * each announcement, so an idle worker fetches the job at once instead of at its next poll
 * (pg-boss polls at most every 0.5 s). Polling stays the fallback: while the connection is
 * down (a database restart) jobs are still taken, and it reconnects every few seconds.
 */
export function listenForJobs(
  databaseUrl: string,
  onJob: (name: string) => void,
): { ready: Promise<void>; stop(): Promise<void> } {
  let stopped = false;
  let client: pg.Client | null = null;
  let retry: NodeJS.Timeout | undefined;

  const connect = async () => {
    const next = new pg.Client({ connectionString: databaseUrl, application_name: "gantry-worker-wakeup" });
    next.on("notification", (message) => {
      if (message.channel === JOB_SENT_CHANNEL && message.payload) onJob(message.payload);
    });
    const lost = (error: Error | null) => {
      if (client !== next) return;
      client = null;
      void next.end().catch(() => undefined);
      if (stopped) return;
      log.warn({ err: error ? { message: error.message } : undefined }, "job wake-up connection lost; polling only");
      retry = setTimeout(() => void connect(), 5_000);
    };
    next.on("error", lost);
    next.on("end", () => lost(null));
    try {
      await next.connect();
      await next.query(`LISTEN ${JOB_SENT_CHANNEL}`);
      if (stopped) await next.end();
      else client = next;
    } catch (error) {
      await next.end().catch(() => undefined);
      if (!stopped) retry = setTimeout(() => void connect(), 5_000);
      log.warn({ err: { message: (error as Error).message } }, "job wake-up could not LISTEN; polling only");
    }
  };
  const ready = connect();

  return {
    /** Settles once the first LISTEN is in place (or failed, leaving polling). */
    ready,
    async stop() {
      stopped = true;
      clearTimeout(retry);
      await ready;
      const current = client;
      client = null;
      await current?.end().catch(() => undefined);
    },
  };
}
