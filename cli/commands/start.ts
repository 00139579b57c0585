import { spawn, type ChildProcess } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { applyMigrations } from "@/lib/db/migrate";
import { dbPoolSize } from "@/lib/db/pool-size";
import { parseTrustedProxies } from "@/lib/http/client-address";
import { bootstrapAdmin } from "@/lib/users/bootstrap-admin";
import { ExitCode, UsageError, type CliCommand, type CliIo } from "../command";
import { parseArgs } from "../parse-args";
import { projectRoot } from "../project-root";
import { resolveDatabase, resolveKeys } from "../runtime-env";
import { onShutdown } from "../on-shutdown";
import { buildFingerprint, isBuildCurrent, writeBuildStamp } from "../build-stamp";
import { webProcessCount } from "../web/web-processes";

export const startCommand: CliCommand = {
  name: "start",
  help: `Usage: gantry start [--port N] [--host H] [--no-worker]

Starts Gantry: the embedded Postgres in GANTRY_DATA_DIR (default ./.gantry) unless
DATABASE_URL is set, applies migrations, builds the web app if its build is missing or stale,
then serves it with one worker beside it, and prints the URL once /api/health is green.
The web app runs as GANTRY_WEB_PROCESSES processes sharing the port (default: one per core,
at most 2); the worker runs at niceness GANTRY_WORKER_NICE (default 10), so pages stay quick
while promotions copy.
SIGINT/SIGTERM stop everything cleanly; starting again reuses the data. Standard output
carries only JSON log lines; Gantry's own lines go to standard error. As root, Postgres
runs as the "postgres" user; when it cannot enter the data folder, the cluster lives in
/var/lib/gantry/<hash of the folder> (the start-up line says where).

Options:
  --port N      port to serve on (default: $PORT or 3000)
  --host H      address to bind (default: $GANTRY_HOST or 127.0.0.1; 0.0.0.0 for all)
  --no-worker   serve only the web app (run workers elsewhere with \`gantry worker\`)

Environment: see README.md (DATABASE_URL, GANTRY_DATA_DIR, GANTRY_URL, GANTRY_SECRET_KEY,
GANTRY_AUTH_SECRET, GANTRY_ADMIN_EMAIL, GANTRY_ADMIN_PASSWORD, GANTRY_OIDC_*,
GANTRY_TRUSTED_PROXIES, GANTRY_WEB_PROCESSES, GANTRY_WORKER_NICE).
`,
  async run(argv, io) {
    const { values } = parseArgs(argv, {
      port: { type: "string" },
      host: { type: "string" },
      "no-worker": { type: "boolean" },
    });
    const port = Number(values.port ?? io.env.PORT ?? 3000);
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new UsageError("--port must be a port number (1-65535)");
    const host = values.host ?? io.env.GANTRY_HOST ?? "127.0.0.1";
    // A bad entry stops the start here, naming it, rather than in the web process later.
    parseTrustedProxies(io.env.GANTRY_TRUSTED_PROXIES);
    webProcessCount(io.env.GANTRY_WEB_PROCESSES, os.availableParallelism());
    dbPoolSize(io.env.GANTRY_DB_POOL_SIZE);
    const root = projectRoot();
    const startedAt = Date.now();
    const say = (line: string) => io.stderr.write(`[gantry] ${line}\n`);

    const database = await resolveDatabase(io.env);
    say(
      database.embedded
        ? `database: embedded Postgres on 127.0.0.1:${database.embedded.port}, data in ${database.embedded.pgDir}${database.embedded.startedHere ? "" : " (already running)"}`
        : "database: DATABASE_URL",
    );
    process.env.DATABASE_URL = database.url;
    const applied = await applyMigrations({ databaseUrl: database.url, root });
    if (applied.length) say(`migrations applied: ${applied.join(", ")}`);

    const keys = resolveKeys(io.env);
    const childEnv: NodeJS.ProcessEnv = {
      ...io.env,
      DATABASE_URL: database.url,
      GANTRY_SECRET_KEY: keys.secretKey,
      NEXTAUTH_SECRET: keys.authSecret,
      NEXTAUTH_URL: io.env.GANTRY_URL ?? io.env.NEXTAUTH_URL ?? `http://localhost:${port}`,
      NODE_ENV: "production",
    };
    await bootstrapFromEnvironment(io, say);

    if (!isBuildCurrent(root)) {
      say("building the web app (first start or sources changed)…");
      const fingerprint = buildFingerprint(root);
      const code = await runToEnd(nextBin(root), ["build"], {
        cwd: root,
        env: { ...childEnv, NEXT_TELEMETRY_DISABLED: "1" },
      });
      if (code !== 0) {
        say("the build failed");
        if (database.embedded?.startedHere) await database.embedded.stop();
        return ExitCode.failed;
      }
      writeBuildStamp(root, fingerprint);
    }

    const children: ChildProcess[] = [];
    // Next behind Gantry's own server, which stamps the client address (cli/web/serve-web.ts).
    const web = spawn(
      process.execPath,
      [path.join(root, "dist", "serve-web.mjs"), "--port", String(port), "--host", host],
      {
        cwd: root,
        env: { ...childEnv, GANTRY_PROCESS: "web", NEXT_TELEMETRY_DISABLED: "1" },
        stdio: ["inherit", "pipe", "inherit"],
      },
    );
    keepJsonOnStdout(web, io);
    children.push(web);
    if (!values["no-worker"]) {
      const cli = path.join(root, "dist", "gantry.mjs");
      children.push(
        spawn(process.execPath, [cli, "worker"], {
          cwd: root,
          env: { ...childEnv, GANTRY_PROCESS: "worker" },
          stdio: "inherit",
        }),
      );
    }

    const stopped = Promise.race([
      onShutdown().then(() => "signal" as const),
      ...children.map((child) => exited(child).then(() => "child-exit" as const)),
    ]);
    const ready = await Promise.race([
      waitForHealth(`http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}/api/health`, {
        needWorker: !values["no-worker"],
      }),
      stopped.then(() => false),
    ]);
    if (ready) {
      const url = childEnv.NEXTAUTH_URL;
      say(`Gantry is running at ${url} (ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s)`);
    }
    const reason = await stopped;
    if (reason === "child-exit") say("a process exited unexpectedly; stopping");
    await stopChildren(children);
    if (database.embedded?.startedHere) await database.embedded.stop();
    say("stopped");
    return reason === "signal" ? ExitCode.ok : ExitCode.failed;
  },
};

async function bootstrapFromEnvironment(io: CliIo, say: (line: string) => void): Promise<void> {
  const email = io.env.GANTRY_ADMIN_EMAIL;
  const password = io.env.GANTRY_ADMIN_PASSWORD;
  if (!email || !password) return;
  const created = await bootstrapAdmin(
    { email, password },
    { actorId: null, actorLabel: "bootstrap:GANTRY_ADMIN_EMAIL", ip: null, userAgent: "gantry-cli" },
  );
  if (created) say(`created the first admin ${email} from GANTRY_ADMIN_EMAIL`);
}

/**
 * Standard output carries only the processes' JSON log lines. Next's banner (its own "Ready",
 * "Local" and "Network" lines repeat the one ready line above) is dropped; any other plain
 * line Next prints goes to standard error with Gantry's own lines.
 */
function keepJsonOnStdout(web: ChildProcess, io: CliIo): void {
  const banner = /^\s*(▲ Next\.js|- Local:|- Network:|- Environments?:|✓ Starting|✓ Ready in|✓ Running next\.config|$)/;
  createInterface({ input: web.stdout! }).on("line", (line) => {
    if (line.startsWith("{")) io.stdout.write(`${line}\n`);
    // Next colours its banner: match the text without the escape codes.
    else if (!banner.test(line.replace(/\x1b\[[0-9;]*m/g, ""))) io.stderr.write(`${line}\n`);
  });
}

function nextBin(root: string): string {
  return path.join(root, "node_modules", "next", "dist", "bin", "next");
}

function runToEnd(script: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<number> {
  return new Promise((resolve) => {
    // The build's report is for people: standard error, so standard output stays JSON lines.
    const child = spawn(process.execPath, [script, ...args], { ...options, stdio: ["inherit", 2, "inherit"] });
    child.on("exit", (code) => resolve(code ?? 1));
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
}

async function stopChildren(children: ChildProcess[]): Promise<void> {
  const running = children.filter((c) => c.exitCode === null && c.signalCode === null);
  for (const child of running) child.kill("SIGTERM");
  const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 20_000).unref());
  if ((await Promise.race([Promise.all(running.map(exited)), timeout])) === "timeout") {
    for (const child of running) child.kill("SIGKILL");
    await Promise.all(running.map(exited));
  }
}

/**
 * Waits until /api/health is green. With `--no-worker` the workers run elsewhere (or start
 * later), so a missing heartbeat does not hold the console back: database and migrations must be ok.
 */
async function waitForHealth(url: string, options: { needWorker: boolean }): Promise<boolean> {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
      if (response.ok) return true;
      if (!options.needWorker) {
        const health = (await response.json()) as { database?: { ok?: boolean }; migrations?: { ok?: boolean } };
        if (health.database?.ok && health.migrations?.ok) return true;
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}
