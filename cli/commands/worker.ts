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
console, to read registry credentials), GANTRY_DATA_DIR for the embedded default.
`,
  async run(argv, io) {
    parseArgs(argv, {});
    process.env.GANTRY_PROCESS ??= "worker";
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
