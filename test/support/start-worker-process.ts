/** Test helper: bundles promotion-worker-process.ts once and starts it as child processes. */
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

export interface WorkerProcess {
  id: string;
  child: ChildProcess;
  output(): string;
  /** SIGTERM and wait for the exit (a no-op once it exited). */
  stop(): Promise<void>;
}

const root = path.resolve(__dirname, "../..");
let bundle: string | undefined;

async function bundled(): Promise<string> {
  if (bundle) return bundle;
  // Inside the project so its imports find node_modules.
  const outfile = path.join(
    root,
    "node_modules",
    ".cache",
    "gantry-tests",
    `promotion-worker-${crypto.randomBytes(4).toString("hex")}.mjs`,
  );
  const { bundleNode } = createRequire(import.meta.url)(path.join(root, "scripts", "bundle-node.cjs")) as {
    bundleNode(entry: string, outfile: string): Promise<string>;
  };
  await bundleNode(path.join(__dirname, "promotion-worker-process.ts"), outfile);
  process.once("exit", () => fs.rmSync(outfile, { force: true }));
  bundle = outfile;
  return outfile;
}

/** Starts a worker process with `env` added to this one's; resolves once it takes jobs. */
export async function startWorkerProcess(env: Record<string, string>): Promise<WorkerProcess> {
  const file = await bundled();
  const child = spawn(process.execPath, [file], {
    env: { ...process.env, ...env, GANTRY_LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const id = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker process not ready in 30 s:\n${output}`)), 30_000);
    const check = () => {
      const match = /ready (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`worker process exited (${code}) before it was ready:\n${output}`));
    });
  });
  return {
    id,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
