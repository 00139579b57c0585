import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/** The user Postgres runs as: this process's own, or (as root) the `postgres` user. */
export interface RunAs {
  uid: number;
  gid: number;
}

/**
 * Postgres refuses to run as root. As root, returns the `postgres` user, creating it (and its
 * group) when the system has none; otherwise null (run as ourselves).
 */
export function postgresRunAs(): RunAs | null {
  if (process.getuid?.() !== 0) return null;
  const ids = () => ({
    uid: Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8", stdio: "pipe" }).trim()),
    gid: Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8", stdio: "pipe" }).trim()),
  });
  try {
    return ids();
  } catch {
    execFileSync("groupadd", ["-f", "postgres"], { stdio: "pipe" });
    execFileSync("useradd", ["-g", "postgres", "postgres"], { stdio: "pipe" });
    return ids();
  }
}

/** Creates a cluster in `pgDir` (which must not hold one) with password authentication. */
export async function initialiseCluster(options: {
  nativeDir: string;
  pgDir: string;
  user: string;
  password: string;
  runAs: RunAs | null;
  onLog?: (line: string) => void;
}): Promise<void> {
  fs.mkdirSync(options.pgDir, { recursive: true, mode: 0o700 });
  // The password reaches initdb through a file only the server's user can read, next to the cluster.
  const passwordFile = `${options.pgDir}.pwfile`;
  fs.writeFileSync(passwordFile, `${options.password}\n`, { mode: 0o600 });
  if (options.runAs) {
    fs.chownSync(options.pgDir, options.runAs.uid, options.runAs.gid);
    fs.chownSync(passwordFile, options.runAs.uid, options.runAs.gid);
  }
  try {
    const locale = messageLocale();
    const child = spawnAs(options, "initdb", [
      `--pgdata=${options.pgDir}`,
      "--auth=password",
      `--username=${options.user}`,
      `--pwfile=${passwordFile}`,
      `--lc-messages=${locale}`,
    ]);
    const output = collect(child, options.onLog);
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    if (code !== 0) throw new Error(`Postgres initdb failed (exit ${code}): ${output().trim()}`);
  } finally {
    fs.rmSync(passwordFile, { force: true });
  }
}

/** Starts the server of `pgDir`; resolves once it accepts connections, rejects if it exits first. */
export async function startServer(options: {
  nativeDir: string;
  pgDir: string;
  port: number;
  flags: string[];
  runAs: RunAs | null;
  onLog?: (line: string) => void;
}): Promise<{ stop(): Promise<void> }> {
  const child = spawnAs(options, "postgres", ["-D", options.pgDir, "-p", String(options.port), ...options.flags]);
  const output = collect(child, options.onLog);
  await new Promise<void>((resolve, reject) => {
    const onData = () => {
      if (output().includes("database system is ready to accept connections")) resolve();
    };
    child.stderr?.on("data", onData);
    child.once("close", (code) =>
      reject(new Error(`Postgres exited (code ${code}) before it was ready: ${tail(output())}`)),
    );
  });
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        // SIGINT: "fast" shutdown, open transactions rolled back, clean checkpoint.
        child.kill("SIGINT");
      }),
  };
}

function spawnAs(options: { nativeDir: string; pgDir: string; runAs: RunAs | null }, program: string, args: string[]) {
  const executable = path.join(options.nativeDir, "bin", process.platform === "win32" ? `${program}.exe` : program);
  // The "ready" line is matched in English whatever the system's language.
  const locale = messageLocale();
  return spawn(executable, args, {
    cwd: path.dirname(options.pgDir),
    env: { ...process.env, LC_MESSAGES: locale },
    stdio: ["ignore", "pipe", "pipe"],
    ...(options.runAs ?? {}),
  });
}

function collect(child: ChildProcess, onLog?: (line: string) => void): () => string {
  let text = "";
  const take = (chunk: Buffer) => {
    const message = chunk.toString("utf8");
    // Only the start is needed (the ready line, an early failure); keep memory bounded.
    if (text.length < 64_000) text += message;
    onLog?.(message.trimEnd());
  };
  child.stdout?.on("data", take);
  child.stderr?.on("data", take);
  return () => text;
}

function tail(text: string): string {
  return text.trim().split("\n").slice(-5).join("\n");
}

let cachedLocale: string | undefined;

/** An English locale the system has, for Postgres's messages (C when there is none). */
function messageLocale(): string {
  if (cachedLocale) return cachedLocale;
  let available = new Set<string>();
  try {
    available = new Set(
      execFileSync("locale", ["-a"], { encoding: "utf8", stdio: "pipe" })
        .split(/\r?\n/)
        .map((l) => l.trim()),
    );
  } catch {
    // no `locale` program (Windows, minimal images): C is always there
  }
  cachedLocale = ["en_US.UTF-8", "C.UTF-8", "en_US.utf8"].find((l) => available.has(l)) ?? "C";
  return cachedLocale;
}
