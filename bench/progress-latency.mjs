// How far the live promotion page trails the worker: the time from a progress write (the
// engine's ImageProgressWriter: UPDATE + pg_notify in one transaction) to the new byte count
// appearing in the page's DOM in Chromium, over the server-sent events stream.
//
//   npm run bench:progress [-- --updates 60 --spacing-ms 300]
//
// Starts its own Gantry (embedded Postgres, production build), seeds one running
// promotion with SQL, signs in, opens /promotions/<id> and writes progress every spacing-ms.
// The page records when data-bytes-done changed (MutationObserver, same clock as Node).
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { chromium } from "@playwright/test";
import pg from "pg";
import { createRequire } from "node:module";
import { freePort } from "./support/gantry-install.mjs";

const { bundleNode } = createRequire(import.meta.url)("../scripts/bundle-node.cjs");

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({
  options: { updates: { type: "string", default: "60" }, "spacing-ms": { type: "string", default: "300" } },
});
const updates = Math.max(50, Number(values.updates));
const spacingMs = Number(values["spacing-ms"]);
const admin = { email: "bench@example.com", password: `bench-${crypto.randomBytes(6).toString("hex")}` };
const now = () => performance.timeOrigin + performance.now();

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "gantry-bench-progress-"));
fs.chmodSync(dataDir, 0o755);
const port = await freePort();
let gantry;
let browser;
try {
  const writerModule = await bundleWriter();
  gantry = await startGantry();
  const databaseUrl = readDatabaseUrl();
  const ids = await seedPromotion(databaseUrl);
  process.env.DATABASE_URL = databaseUrl;
  const { createProgressWriter, disconnect } = await import(pathToFileURL(writerModule).href);
  const writer = createProgressWriter({ id: ids.imageId, promotionId: ids.promotionId, workerId: ids.workerId });

  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  const page = await browser.newPage({ baseURL: `http://localhost:${port}` });
  await signIn(page);
  await page.goto(`/promotions/${ids.promotionId}`);
  await page.locator('[data-transport="live"]').waitFor({ timeout: 30_000 });
  await page.evaluate(() => {
    const seen = {};
    window.__seen = seen;
    new MutationObserver((mutations) => {
      const at = performance.timeOrigin + performance.now();
      for (const mutation of mutations) {
        const value = mutation.target.getAttribute?.("data-bytes-done");
        if (value !== null && value !== undefined && !(value in seen)) seen[value] = at;
      }
    }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ["data-bytes-done"] });
  });

  const total = updates * 1_000_000;
  const rows = [];
  for (let i = 1; i <= updates; i += 1) {
    const bytes = i * 1_000_000;
    const pushedAt = now();
    writer.push({
      type: "image",
      imageIndex: 0,
      source: "bench",
      target: "bench",
      state: "transferring",
      bytesDone: bytes,
      bytesTotal: total,
      blobsDone: i,
      blobsTotal: updates,
    });
    await writer.close(); // the write, committed (close() writes what is pending and waits)
    const committedAt = now();
    await page.waitForFunction((value) => value in window.__seen, String(bytes), { timeout: 10_000, polling: 20 });
    const shownAt = await page.evaluate((value) => window.__seen[value], String(bytes));
    rows.push({ fromWrite: shownAt - pushedAt, fromCommit: shownAt - committedAt, write: committedAt - pushedAt });
    await sleep(spacingMs * (0.5 + Math.random()));
  }
  await disconnect();

  const report = (label, key) => {
    const values = rows.map((row) => row[key]).sort((a, b) => a - b);
    const at = (q) => values[Math.min(values.length - 1, Math.ceil(q * values.length) - 1)];
    console.log(
      `${label.padEnd(44)} p50 ${at(0.5).toFixed(1).padStart(6)} ms   p95 ${at(0.95).toFixed(1).padStart(6)} ms   max ${values[values.length - 1].toFixed(1).padStart(6)} ms`,
    );
  };
  console.log(
    `\nGantry progress latency — ${rows.length} updates, ${os.cpus().length} cores, node ${process.version}, Chromium ${browser.version()}`,
  );
  report("progress write started → shown in the page", "fromWrite");
  report("write committed (UPDATE + NOTIFY) → shown", "fromCommit");
  report("the write itself (transaction)", "write");
  console.log("target: ≤ 1000 ms behind the worker (the worker writes at most every 250 ms per image)");
} finally {
  await browser?.close();
  await stopGantry(gantry);
  fs.rmSync(dataDir, { recursive: true, force: true });
}

/** The engine's writer, bundled like the CLI (tsconfig paths, server-only stubbed). */
async function bundleWriter() {
  const outfile = path.join(root, "bench", "out", "progress-latency-writer.mjs");
  await bundleNode(path.join(root, "bench", "progress-latency.writer.ts"), outfile);
  return outfile;
}

async function startGantry() {
  const child = spawn(process.execPath, [path.join(root, "bin", "gantry"), "start", "--port", String(port)], {
    cwd: root,
    env: {
      ...cleanEnv(),
      GANTRY_DATA_DIR: dataDir,
      GANTRY_LOG_LEVEL: "warn",
      GANTRY_ADMIN_EMAIL: admin.email,
      GANTRY_ADMIN_PASSWORD: admin.password,
      NEXT_TELEMETRY_DISABLED: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let log = "";
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  const deadline = Date.now() + 480_000;
  while (!/Gantry is running at/.test(log)) {
    if (child.exitCode !== null) throw new Error(`gantry start exited early:\n${log.slice(-4000)}`);
    if (Date.now() > deadline) throw new Error(`gantry start did not become ready:\n${log.slice(-4000)}`);
    await sleep(200);
  }
  return child;
}

async function stopGantry(child) {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // gone already
    }
  }, 30_000);
  await exited;
  clearTimeout(timer);
}

function cleanEnv() {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (/^(GANTRY_|NEXTAUTH_|DATABASE_URL$|PORT$)/.test(key)) delete env[key];
  return env;
}

function readDatabaseUrl() {
  const c = JSON.parse(fs.readFileSync(path.join(dataDir, "postgres.json"), "utf8"));
  return `postgresql://${encodeURIComponent(c.user)}:${encodeURIComponent(c.password)}@127.0.0.1:${c.port}/${c.database}`;
}

/** One running promotion with one pushing image held by a make-believe worker. */
async function seedPromotion(databaseUrl) {
  const id = (label) => `bench${label}${crypto.randomBytes(6).toString("hex")}`;
  const ids = {
    source: id("src"),
    target: id("tgt"),
    channel: id("ch"),
    release: id("rel"),
    promotionId: id("pro"),
    imageId: id("img"),
    workerId: "bench-worker",
  };
  const digest = `sha256:${"b".repeat(64)}`;
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO "Registry" (id, name, provider, endpoint, "authKind", "updatedAt") VALUES ($1, 'bench-source', 'generic', 'vendor.example.com', 'anonymous', now()), ($2, 'bench-target', 'generic', 'registry.example.com', 'anonymous', now())`,
      [ids.source, ids.target],
    );
    await client.query(
      `INSERT INTO "ReleaseChannel" (id, name, "sourceRegistryId", components, "tagPattern", ordering, "updatedAt") VALUES ($1, 'bench', $2, ARRAY['vendor/api'], '.*', 'semver', now())`,
      [ids.channel, ids.source],
    );
    await client.query(
      `INSERT INTO "Release" (id, "channelId", tag, "sortKey", latest) VALUES ($1, $2, '1.0.0', '1.0.0', true)`,
      [ids.release, ids.channel],
    );
    await client.query(
      `INSERT INTO "Promotion" (id, "releaseId", "targetRegistryId", "repositoryMapping", status, "startedAt", "updatedAt") VALUES ($1, $2, $3, '{"prefix":"team/"}', 'running', now(), now())`,
      [ids.promotionId, ids.release, ids.target],
    );
    await client.query(
      `INSERT INTO "PromotionImage" (id, "promotionId", component, "sourceRef", "targetRef", digest, status, "bytesTotal", "blobsTotal", attempts, "workerId", "heartbeatAt", "startedAt", "updatedAt")
       VALUES ($1, $2, 'vendor/api', 'vendor.example.com/vendor/api:1.0.0', 'registry.example.com/team/api:1.0.0', $3, 'pushing', $4, $5, 1, $6, now(), now(), now())`,
      [ids.imageId, ids.promotionId, digest, updates * 1_000_000, updates, ids.workerId],
    );
  } finally {
    await client.end();
  }
  return ids;
}

async function signIn(page) {
  await page.goto("/sign-in");
  await page.getByLabel("Email", { exact: true }).fill(admin.email);
  await page.getByLabel("Password", { exact: true }).fill(admin.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/releases$/, { timeout: 30_000 });
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
