/**
 * A Postgres server of its own for the tests that run Gantry the way a platform team would:
 * Debian's PostgreSQL (package `postgresql`, what a managed Postgres stands in for), a
 * throwaway cluster in a temp folder on a free 127.0.0.1 port, and per test a database owned
 * by a least-privileged role (LOGIN only: no superuser, CREATEDB or CREATEROLE).
 */
import { execFile, execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort } from "../fixtures/free-port";

export interface ExternalPostgres {
  /** The superuser's URL (database `postgres`), for setting up and inspecting only. */
  adminUrl: string;
  binDir: string;
  /** A new database owned by a new LOGIN-only role; `url` connects as that role. */
  createDatabase(): Promise<AppDatabase>;
  stop(): Promise<void>;
}

export interface AppDatabase {
  url: string;
  database: string;
  role: string;
}

/** The newest installed server's binaries, or null (then tests needing it say so and skip). */
export function externalPostgresBinDir(): string | null {
  const root = "/usr/lib/postgresql";
  if (!fs.existsSync(root)) return null;
  const versions = fs
    .readdirSync(root)
    .filter((version) => fs.existsSync(path.join(root, version, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(root, versions[0]!, "bin") : null;
}

export const externalPostgresMissing =
  "Debian's PostgreSQL server is not installed (apt-get install postgresql; .ci/run does it): skipping the external-Postgres tests";

export async function startExternalPostgres(): Promise<ExternalPostgres> {
  const binDir = externalPostgresBinDir();
  if (!binDir) throw new Error(externalPostgresMissing);
  // /tmp is enterable by everyone, so the `postgres` user reaches this folder even when the
  // project sits in a folder only root may enter.
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "gantry-ext-pg-"));
  fs.chmodSync(base, 0o700);
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    fs.chownSync(base, uid, gid);
  }
  const password = crypto.randomBytes(18).toString("hex");
  const pwfile = path.join(base, "pwfile");
  fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (asRoot) execFileSync("chown", ["postgres:postgres", pwfile]);
  const dataDir = path.join(base, "data");
  const run = (binary: string, args: string[]) =>
    asRoot
      ? runChecked("runuser", ["-u", "postgres", "--", path.join(binDir, binary), ...args])
      : runChecked(path.join(binDir, binary), args);

  try {
    await run("initdb", [
      "-D",
      dataDir,
      "-U",
      "postgres",
      `--pwfile=${pwfile}`,
      "--auth=scram-sha-256",
      "--encoding=UTF8",
      "--locale=C",
    ]);
    const port = await freePort();
    // fsync off: a test cluster that dies with its test needs no durability, and it is faster.
    const flags = `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories='' -c fsync=off -c max_connections=200`;
    await run("pg_ctl", ["-D", dataDir, "-l", path.join(base, "server.log"), "-o", flags, "-w", "-t", "60", "start"]);
    const adminUrl = `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`;
    return {
      adminUrl,
      binDir,
      async createDatabase() {
        const suffix = crypto.randomBytes(5).toString("hex");
        const role = `gantry_${suffix}`;
        const database = `gantry_${suffix}`;
        const rolePassword = crypto.randomBytes(18).toString("hex");
        await admin(
          adminUrl,
          `CREATE ROLE ${role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '${rolePassword}'`,
          `CREATE DATABASE ${database} OWNER ${role}`,
        );
        return { url: `postgresql://${role}:${rolePassword}@127.0.0.1:${port}/${database}`, database, role };
      },
      async stop() {
        await run("pg_ctl", ["-D", dataDir, "-m", "immediate", "-w", "stop"]).catch(() => {});
        fs.rmSync(base, { recursive: true, force: true });
      },
    };
  } catch (error) {
    fs.rmSync(base, { recursive: true, force: true });
    throw error;
  }
}

/** Runs statements one by one on one session (CREATE DATABASE can't share a transaction). */
export async function admin(url: string, ...statements: string[]): Promise<pg.QueryResult[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const results = [];
    for (const sql of statements) results.push(await client.query(sql));
    return results;
  } finally {
    await client.end();
  }
}

function runChecked(file: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd: os.tmpdir(), timeout: 90_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${path.basename(file)} ${args.join(" ")} failed: ${stderr || stdout}`));
      else resolve();
    });
  });
}
