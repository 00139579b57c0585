// The promotion benchmark's driver (bench/promote.sh bundles and runs it). A throwaway
// embedded Postgres, the bench/copy release on a local source registry, a real `gantry
// worker` process, and the promotions API served from its route handlers; then per round a
// promotion through the API and `bin/gantry copy` of the same images, each into a fresh
// registry. Prints wall times, the ratio and what moved.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { runChange, type Caller } from "../../lib/change/run-change";
import { createApiToken } from "../../lib/auth/api-tokens";
import { createConnection } from "../../lib/connections/create-connection";
import { startEmbeddedPostgres } from "../../lib/db/embedded-postgres";
import { applyMigrations } from "../../lib/db/migrate";
import { db } from "../../lib/db/prisma";
import { removeBuiltImages, seedImage, type BuiltImage, type ImageSpec } from "../../test/fixtures/oci-image";
import { startRegistry } from "../../test/fixtures/registry";
import { startApiServer } from "./api-server";
import { settleDisk } from "../support/timed-run";

const MB = 1_000_000;
const root = path.resolve(process.argv[2] ?? ".");
const rounds = Number(process.env.ROUNDS ?? 1);
// The release of bench/copy/run-bench.ts: three images sharing a 30 MB base layer.
const base = { size: 30 * MB, seed: "bench-release-base" };
const RELEASE: { name: string; spec: ImageSpec }[] = [
  { name: "api", spec: { layers: [base, { size: 400 * MB, seed: "api-1" }, { size: 270 * MB, seed: "api-2" }] } },
  { name: "engine", spec: { layers: [base, { size: 250 * MB, seed: "engine-1" }] } },
  { name: "proxy", spec: { layers: [base, { size: 60 * MB, seed: "proxy-1" }, { size: 30 * MB, seed: "proxy-2" }] } },
];
const caller: Caller = { userId: null, email: "bench", role: "admin" };
const client = { ip: null, userAgent: "bench" };

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "gantry-promote-bench-"));
fs.chmodSync(dataDir, 0o755);
const cleanups: (() => Promise<unknown>)[] = [];
try {
  const pg = await startEmbeddedPostgres({ dataDir });
  cleanups.push(() => pg.stop());
  await applyMigrations({ databaseUrl: pg.url, root });
  Object.assign(process.env, {
    DATABASE_URL: pg.url,
    GANTRY_SECRET_KEY: crypto.randomBytes(32).toString("base64"),
    GANTRY_ALLOW_LOOPBACK_REGISTRIES: "1",
  });

  const source = await startRegistry();
  cleanups.push(() => source.stop());
  process.stdout.write("seeding the synthetic release…\n");
  const built: BuiltImage[] = [];
  for (const { name, spec } of RELEASE) built.push(await seedImage(source, `vendor/${name}`, "1.0", spec));
  const total = built.reduce((sum, b) => sum + b.size, 0);
  process.stdout.write(
    `release: ${RELEASE.map((r, i) => `${r.name} ${(built[i]!.size / MB).toFixed(0)} MB`).join(", ")}; ${(total / MB).toFixed(0)} MB in all\n`,
  );

  const sourceId = await connect("vendor", source.host);
  const channel = await db().releaseChannel.create({
    data: {
      name: "bench",
      sourceRegistryId: sourceId,
      components: RELEASE.map((r) => `vendor/${r.name}`),
      tagPattern: ".*",
      ordering: "semver",
    },
  });
  const release = await db().release.create({
    data: {
      channelId: channel.id,
      tag: "1.0",
      sortKey: "1.0",
      latest: true,
      images: {
        create: RELEASE.map((r, i) => ({
          repository: `vendor/${r.name}`,
          digest: built[i]!.manifestDigest,
          mediaType: built[i]!.mediaType,
          platforms: ["linux/amd64"],
          size: BigInt(built[i]!.size),
        })),
      },
    },
  });
  const user = await db().user.create({ data: { email: "bench@example.com", role: "operator" } });
  const token = await runChange(createApiToken, caller, { userId: user.id, name: "bench" }, client);
  if (!token.ok) throw new Error(token.error);

  const api = await startApiServer();
  cleanups.push(() => api.stop());
  const worker = await startWorker();
  cleanups.push(() => stopChild(worker));

  // A worker is a long-running service: one untimed promotion first, so round 1 does not time the
  // worker's and the API's first queries (connections, query plans, JIT). Printed, not counted.
  {
    const target = await startRegistry();
    try {
      const warm = await promoteThroughApi(api.url, token.data.token, {
        releaseId: release.id,
        targetRegistryId: await connect("warm-up", target.host),
        repositoryPrefix: "team/",
      });
      process.stdout.write(`warm-up promotion (not counted): ${warm.seconds.toFixed(2)} s\n`);
    } finally {
      await target.stop();
    }
  }

  for (let round = 1; round <= rounds; round++) {
    const order = round % 2 === 1 ? (["copy", "promote"] as const) : (["promote", "copy"] as const);
    const seconds: Record<string, number> = {};
    let moved = "";
    for (const what of order) {
      const target = await startRegistry();
      try {
        await settleDisk();
        if (what === "copy") {
          seconds.copy = await timed(() =>
            run(process.execPath, [
              path.join(root, "bin", "gantry"),
              "copy",
              "--insecure",
              // The promotion brings signatures along (the channel's copySignatures, on by default): the same work.
              "--referrers",
              ...RELEASE.map((r) => `${source.host}/vendor/${r.name}:1.0`),
              `${target.host}/team/`,
            ]),
          );
        } else {
          const targetId = await connect(`target-${round}`, target.host);
          const result = await promoteThroughApi(api.url, token.data.token, {
            releaseId: release.id,
            targetRegistryId: targetId,
            repositoryPrefix: "team/",
          });
          // From the POST to the promotion's own finishedAt (same machine, same clock): the poll
          // that learns of it is the client's choice, not the engine's time.
          seconds.promote = result.seconds;
          moved = `POST (plan + create) ${result.postSeconds.toFixed(2)} s; ${await whatMoved(result.id)}; the poll (every 250 ms) saw it ${result.polledLater.toFixed(2)} s later`;
        }
      } finally {
        await target.stop();
      }
    }
    const ratio = seconds.promote! / seconds.copy!;
    process.stdout.write(
      `round ${round} (${order.join(" then ")}): bin/gantry copy ${seconds.copy!.toFixed(2)} s | promotion via API + 1 worker ${seconds.promote!.toFixed(2)} s | ratio ${ratio.toFixed(2)}× (target ≤ 1.1×: ${ratio <= 1.1 ? "yes" : "NO"})\n  ${moved}\n`,
    );
  }
} finally {
  for (const step of cleanups.reverse())
    await step().catch((error) => process.stderr.write(`cleanup: ${String(error)}\n`));
  await db()
    .$disconnect()
    .catch(() => undefined);
  await removeBuiltImages();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

async function connect(name: string, host: string): Promise<string> {
  const created = await runChange(
    createConnection,
    caller,
    { name, provider: "generic", endpoint: host, insecure: true, auth: { kind: "anonymous" } },
    client,
  );
  if (!created.ok) throw new Error(created.error);
  return created.data.id;
}

/**
 * POST the promotion, then poll GET until it settles; throws unless it succeeded. Answers the
 * seconds from the POST to the promotion's finishedAt, and how much later the poll saw it.
 */
async function promoteThroughApi(
  url: string,
  token: string,
  body: unknown,
): Promise<{ id: string; postSeconds: number; seconds: number; polledLater: number }> {
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const postedAt = Date.now();
  const posted = process.hrtime.bigint();
  const created = await fetch(`${url}/api/v1/promotions`, { method: "POST", headers, body: JSON.stringify(body) });
  if (created.status !== 201)
    throw new Error(`POST /api/v1/promotions answered ${created.status}: ${await created.text()}`);
  const { id } = (await created.json()) as { id: string };
  const postSeconds = Number(process.hrtime.bigint() - posted) / 1e9;
  for (;;) {
    const view = (await (await fetch(`${url}/api/v1/promotions/${id}`, { headers })).json()) as {
      status: string;
      finishedAt: string | null;
      images: { status: string; failure: unknown }[];
    };
    if (view.status === "succeeded") {
      const finished = Date.parse(view.finishedAt!);
      return { id, postSeconds, seconds: (finished - postedAt) / 1000, polledLater: (Date.now() - finished) / 1000 };
    }
    if (view.status === "failed" || view.status === "stopped")
      throw new Error(`promotion ${view.status}: ${JSON.stringify(view.images)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function whatMoved(promotionId: string): Promise<string> {
  const promotion = await db().promotion.findUniqueOrThrow({
    where: { id: promotionId },
    select: {
      plan: true,
      createdAt: true,
      finishedAt: true,
      images: { select: { startedAt: true, finishedAt: true } },
    },
  });
  const started = Math.min(...promotion.images.map((i) => i.startedAt!.getTime()));
  const pushed = Math.max(...promotion.images.map((i) => i.finishedAt!.getTime()));
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const phases = `created → a worker took it ${s(started - promotion.createdAt.getTime())}, → images pushed ${s(pushed - started)}, → tags moved and finished ${s(promotion.finishedAt!.getTime() - pushed)}`;
  const events = await db().auditEvent.findMany({
    where: { targetId: promotionId, action: "promotion.image_pushed" },
    select: { detail: true },
  });
  const transferred = events.reduce(
    (sum, e) => sum + Number((e.detail as { bytesTransferred?: number }).bytesTransferred ?? 0),
    0,
  );
  const planned = (promotion.plan as { bytesToMove: number }).bytesToMove;
  return `promotion moved ${(transferred / MB).toFixed(0)} MB (plan: ${(planned / MB).toFixed(0)} MB); ${phases}`;
}

/** `bin/gantry worker` against the bench database; resolves once it takes jobs. */
async function startWorker(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(root, "bin", "gantry"), "worker"], {
    // The same CPU priority as the `gantry copy` it is compared with: by default a worker lowers
    // its own (niceness 10) to keep the console quick, and on a busy machine that alone decides.
    env: { ...process.env, GANTRY_LOG_LEVEL: "warn", GANTRY_WORKER_NICE: process.env.GANTRY_WORKER_NICE ?? "0" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (/worker \S+ started/.test(output)) resolve();
    });
    child.once("exit", (code) => reject(new Error(`gantry worker exited (${code}): ${output}`)));
  });
  return child;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { maxBuffer: 64 * MB }, (error, stdout, stderr) =>
      error ? reject(new Error(`${command} ${args.join(" ")} failed: ${stderr || stdout}`)) : resolve(),
    );
  });
}
