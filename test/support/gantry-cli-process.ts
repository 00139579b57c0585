/** Runs `bin/gantry` as a user would, against a DATABASE_URL, from tests. */
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import path from "node:path";

// Vitest and Playwright load this as CommonJS (__dirname); bench/topology.mjs bundles it to ESM and runs from the root.
const root = typeof __dirname === "string" ? path.resolve(__dirname, "../..") : process.cwd();
export const gantryBin = path.join(root, "bin", "gantry");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment of a service install: keys set explicitly, nothing from the caller's own Gantry. */
export function serviceEnv(databaseUrl: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(GANTRY_|NEXTAUTH_|DATABASE_URL$|PORT$|VITEST|PW_|PLAYWRIGHT_)/.test(key)) env[key] = value;
  }
  return {
    ...(env as NodeJS.ProcessEnv),
    DATABASE_URL: databaseUrl,
    GANTRY_SECRET_KEY: crypto.randomBytes(32).toString("base64"),
    GANTRY_AUTH_SECRET: crypto.randomBytes(32).toString("base64"),
    GANTRY_LOG_LEVEL: "warn",
    NEXT_TELEMETRY_DISABLED: "1",
    ...extra,
  };
}

export function runGantry(args: string[], env: NodeJS.ProcessEnv, stdin = ""): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [gantryBin, ...args], { cwd: root, env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
    child.stdin.end(stdin);
  });
}

export interface LongRunning {
  child: ChildProcess;
  output(): string;
  /** SIGTERM, then SIGKILL to the whole group after `graceMs`; resolves on exit. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL the whole group at once, as a crash or an OOM kill would. */
  kill(): Promise<void>;
}

/** Starts a long-running `gantry` command in its own process group; resolves once `ready` shows in its output. */
export async function startGantry(
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
  timeoutMs = 240_000,
): Promise<LongRunning> {
  const child = spawn(process.execPath, [gantryBin, ...args], {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const killGroup = () => {
    try {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  };
  process.once("exit", killGroup);
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const handle: LongRunning = {
    child,
    output: () => output,
    async stop(graceMs = 25_000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(killGroup, graceMs);
        await exited;
        clearTimeout(timer);
      }
      killGroup();
      process.off("exit", killGroup);
    },
    async kill() {
      killGroup();
      await exited;
      process.off("exit", killGroup);
    },
  };
  const deadline = Date.now() + timeoutMs;
  while (!ready.test(output)) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`gantry ${args.join(" ")} exited before it was ready:\n${output.slice(-4000)}`);
    if (Date.now() > deadline) {
      await handle.kill();
      throw new Error(`gantry ${args.join(" ")} not ready in ${timeoutMs / 1000} s:\n${output.slice(-4000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return handle;
}
