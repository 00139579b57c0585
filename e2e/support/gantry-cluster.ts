/**
 * Gantry run as a service, the way docs/deploy.md describes it: an external Postgres (a
 * database owned by a LOGIN-only role), `gantry migrate deploy` first, then web processes
 * (`gantry start --no-worker`, one port each) and worker processes (`gantry worker`), all with
 * the same DATABASE_URL and keys. For the topology spec and bench/topology.mjs.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "../../test/fixtures/free-port";
import { startExternalPostgres, type AppDatabase, type ExternalPostgres } from "../../test/support/external-postgres";
import { runGantry, serviceEnv, startGantry, type LongRunning } from "../../test/support/gantry-cli-process";

export interface ClusterWorker {
  process: LongRunning;
  /** Its pg-boss worker id (as in PromotionImage.workerId). */
  id: string;
}

export class GantryCluster {
  readonly webs: { url: string; process: LongRunning }[] = [];
  readonly workers: ClusterWorker[] = [];

  private constructor(
    readonly postgres: ExternalPostgres,
    readonly database: AppDatabase,
    readonly env: NodeJS.ProcessEnv,
    private readonly dataDir: string,
  ) {}

  /** Postgres, migrations and the first admin; no process yet. */
  static async create(extraEnv: Record<string, string> = {}): Promise<GantryCluster> {
    const postgres = await startExternalPostgres();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "gantry-cluster-"));
    try {
      const database = await postgres.createDatabase();
      const env = serviceEnv(database.url, { GANTRY_DATA_DIR: dataDir, ...extraEnv });
      const migrated = await runGantry(["migrate", "deploy"], env);
      if (migrated.code !== 0) throw new Error(`gantry migrate deploy failed:\n${migrated.stderr}`);
      return new GantryCluster(postgres, database, env, dataDir);
    } catch (error) {
      await postgres.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
      throw error;
    }
  }

  /** An admin and their API token, made with the CLI as an operator of the service would. */
  async adminToken(): Promise<string> {
    const email = `admin-${crypto.randomBytes(3).toString("hex")}@example.com`;
    const password = crypto.randomBytes(12).toString("hex");
    const created = await runGantry(
      ["users", "create", "--email", email, "--role", "admin", "--password-stdin"],
      this.env,
      password,
    );
    if (created.code !== 0) throw new Error(`gantry users create failed:\n${created.stderr}`);
    const token = await runGantry(
      ["tokens", "create", "--email", email, "--name", "cluster", "--role", "admin"],
      this.env,
    );
    if (token.code !== 0) throw new Error(`gantry tokens create failed:\n${token.stderr}`);
    return token.stdout.trim();
  }

  /** One web process without a worker; the first start builds the app when the build is stale. */
  async startWeb(): Promise<string> {
    const port = await freePort();
    const url = `http://localhost:${port}`;
    const handle = await startGantry(
      ["start", "--no-worker", "--port", String(port)],
      { ...this.env, GANTRY_URL: url },
      /Gantry is running at /,
    );
    this.webs.push({ url, process: handle });
    return url;
  }

  async startWorker(): Promise<ClusterWorker> {
    const handle = await startGantry(["worker"], this.env, /worker \S+ started/, 60_000);
    const id = /worker (\S+) started/.exec(handle.output())![1]!;
    const worker = { process: handle, id };
    this.workers.push(worker);
    return worker;
  }

  /** SIGKILL, as a crash or an OOM kill would: no chance to hand work back. */
  async killWorker(worker: ClusterWorker): Promise<void> {
    await worker.process.kill();
    this.workers.splice(this.workers.indexOf(worker), 1);
  }

  /** Everything's output, for a failed test. */
  output(): string {
    return [...this.webs.map((w) => w.process), ...this.workers.map((w) => w.process)]
      .map((p) => p.output().slice(-3000))
      .join("\n----\n");
  }

  async stop(): Promise<void> {
    await Promise.all([...this.workers.map((w) => w.process.stop()), ...this.webs.map((w) => w.process.stop())]);
    await this.postgres.stop();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}
