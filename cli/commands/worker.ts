import os from "node:os";
import { runWorker } from "@/worker/run-worker";
import { ExitCode, type CliCommand } from "../command";
import { parseArgs } from "../parse-args";
import { resolveDatabase, resolveKeys } from "../runtime-env";
import { onShutdown } from "../on-shutdown";

export const workerCommand: CliCommand = {
  name: "worker",
  help: `Usage: gantry worker

Runs a worker that takes jobs from the queue in Postgres (pg-boss). Start as many as you like,
on as many machines as you like, against one database: each job goes to exactly one worker.
SIGINT/SIGTERM let running jobs hand their work back, then exit.

Environment: DATABASE_URL (required on other machines), GANTRY_SECRET_KEY (the same key as the
console, to read registry credentials), GANTRY_DATA_DIR for the embedded default,
GANTRY_WORKER_NICE (default 10): the worker's CPU niceness, so on a machine it shares with the
console, pages stay quick while promotions run (0 keeps the priority it was started with).
`,
  async run(argv, io) {
    parseArgs(argv, {});
    process.env.GANTRY_PROCESS ??= "worker";
    lowerPriority(io.env.GANTRY_WORKER_NICE, io.stderr);
    const database = await resolveDatabase(io.env);
    process.env.DATABASE_URL = database.url;
    process.env.GANTRY_SECRET_KEY = resolveKeys(io.env).secretKey;
    const worker = await runWorker({ databaseUrl: database.url });
    io.stderr.write(`worker ${worker.id} started\n`);
    await onShutdown();
    await worker.stop();
    if (database.embedded?.startedHere) await database.embedded.stop();
    return ExitCode.ok;
  },
};

/**
 * Copies are mostly waiting on the network, but hashing, TLS and progress writes take CPU the
 * web process needs for quick pages: the worker yields it first. Only ever lowered (raising
 * needs privileges, and an operator who started it under `nice` meant it).
 */
function lowerPriority(setting: string | undefined, stderr: NodeJS.WritableStream): void {
  const nice = Number(setting ?? 10);
  if (!Number.isInteger(nice) || nice < 0 || nice > 19) {
    stderr.write(`GANTRY_WORKER_NICE must be a whole number from 0 to 19; keeping the current priority\n`);
    return;
  }
  try {
    if (os.getPriority() < nice) os.setPriority(nice);
  } catch {
    // Some sandboxes forbid it; the worker still works at the priority it has.
  }
}
