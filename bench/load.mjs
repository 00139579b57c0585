// Console under load: a production `gantry start` (its own data folder, embedded Postgres,
// one worker) with a source and a target registry; twenty promotions of a three-image release
// are requested through the API while autocannon holds 50 connections for ~20 s on the
// releases, promotions and audit pages (signed-in session) and the API (Bearer token).
// Prints p50/p95/p99 per route and overall (and overall for the requests sent after the first
// 10 s, when the promotions have been requested, and p95 by when each request was sent, in
// 2-second steps), errors, then promotions/s and bytes, and writes them to
// test-results/proof/load.json under "console".
//
//   node bench/load.mjs [--seconds 20] [--connections 50] [--promotions 20] [--warmup-seconds 0]
//
// Before the load every route is asked on every web process; --warmup-seconds adds that long at
// 10 connections first, for the figures of a console that has been up a while (the default, 0,
// measures from just after start, as an operator meets it after a restart).
//
// Needs docker-registry and skopeo (the registries are the test fixtures'); builds the web
// app first if the build is stale, like `npm start`.
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import autocannon from "autocannon";
import { argValue, freePort, gantryCli, root, signIn, startGantry, stopGantry } from "./support/gantry-install.mjs";

const { bundleNode } = createRequire(import.meta.url)("../scripts/bundle-node.cjs");

const seconds = Number(argValue("--seconds") ?? 20);
const connections = Number(argValue("--connections") ?? 50);
const promotionCount = Number(argValue("--promotions") ?? 20);
const warmupSeconds = Number(argValue("--warmup-seconds") ?? 0);
const MB = 1 << 20;

const setup = await loadSetup();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "gantry-load-bench-"));
fs.chmodSync(dataDir, 0o755);
const admin = { email: "load-admin@example.com", password: crypto.randomBytes(12).toString("base64url") };
const port = await freePort();
// next-auth's cookies belong to NEXTAUTH_URL, which `start` sets to http://localhost:<port>.
const base = `http://localhost:${port}`;
const env = {
  ...process.env,
  GANTRY_DATA_DIR: dataDir,
  GANTRY_LOG_LEVEL: "warn",
  NEXT_TELEMETRY_DISABLED: "1",
  GANTRY_ALLOW_LOOPBACK_REGISTRIES: "1",
};
delete env.DATABASE_URL;

log(
  `Gantry console load benchmark — ${os.cpus().length} cores, node ${process.version}, ${connections} connections for ${seconds} s, ${promotionCount} promotions`,
);
const registries = await setup.startLoadRegistries();
let server;
try {
  server = await startGantry({ port, env, admin });
  const token = gantryCli(env, [
    "tokens",
    "create",
    "--email",
    admin.email,
    "--name",
    "load",
    "--role",
    "admin",
  ]).trim();
  const bearer = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const releaseId = await prepareRelease(bearer);
  const cookie = await signIn(base, admin);

  const routes = [
    { name: "page /releases", path: "/releases", headers: { cookie } },
    { name: "page /promotions", path: "/promotions", headers: { cookie } },
    { name: "page /audit", path: "/audit", headers: { cookie } },
    { name: "GET /api/v1/promotions", path: "/api/v1/promotions", headers: bearer },
    { name: "GET /api/v1/audit", path: "/api/v1/audit?limit=50", headers: bearer },
    { name: "GET /api/health", path: "/api/health", headers: {} },
  ];
  // Each route once on every web process before the load: a new connection per request, since
  // node:cluster hands out connections (not requests) in turn and one kept-alive connection
  // would warm one process and leave the other to load its route modules under the load.
  for (const route of routes)
    for (let i = 0; i < 4; i++) {
      const status = await getOnNewConnection(base + route.path, route.headers);
      if (status !== 200) throw new Error(`${route.path} answered ${status} before the load`);
    }

  if (warmupSeconds > 0)
    await autocannon({
      url: base,
      connections: 10,
      duration: warmupSeconds,
      requests: routes.map((route) => ({ method: "GET", path: route.path, headers: route.headers })),
    });

  // The promotions start with the load and run under it.
  const promotionsStarted = Date.now();
  const promoting = runPromotions(bearer, releaseId);
  const perRoute = new Map(routes.map((r) => [r.name, { times: [], sentAt: [], statuses: new Map() }]));
  const loadStarted = performance.now();
  const result = await autocannon({
    url: base,
    connections,
    duration: seconds,
    timeout: 30,
    requests: routes.map((route) => ({
      method: "GET",
      path: route.path,
      headers: route.headers,
      setupRequest(request, context) {
        context.sentAt = performance.now();
        return request;
      },
      onResponse(status, _body, context) {
        const entry = perRoute.get(route.name);
        entry.times.push(performance.now() - context.sentAt);
        entry.sentAt.push(context.sentAt - loadStarted);
        entry.statuses.set(status, (entry.statuses.get(status) ?? 0) + 1);
      },
    })),
  });
  const loadEndedAfter = (Date.now() - promotionsStarted) / 1000;
  const promotions = await promoting;

  const routeRows = [...perRoute.entries()].map(([name, { times, statuses }]) => ({
    route: name,
    requests: times.length,
    ...percentiles(times),
    non2xx: [...statuses.entries()].filter(([s]) => s < 200 || s > 299).reduce((sum, [, n]) => sum + n, 0),
  }));
  const overall = {
    connections,
    seconds,
    requests: result.requests.total,
    requestsPerSecond: Math.round(result.requests.average),
    // Over every sample of every route (autocannon's own histogram has no p95).
    ...percentiles([...perRoute.values()].flatMap((r) => r.times)),
    maxMs: result.latency.max,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    bytesRead: result.throughput.total,
  };
  // The first seconds take the 20 promotion requests (each planned against the registries) and
  // all 50 connections' first requests at once; the rest is the steady state under the copies.
  const settledAfterMs = 10_000;
  const settled = {
    afterSeconds: settledAfterMs / 1000,
    ...percentiles([...perRoute.values()].flatMap((r) => r.times.filter((_, i) => r.sentAt[i] >= settledAfterMs))),
  };
  // p95 by when the request was sent, in 2-second steps: where the tail comes from.
  const stepMs = 2_000;
  const timeline = [];
  for (let from = 0; from < seconds * 1000; from += stepMs) {
    const inStep = [...perRoute.values()].flatMap((r) =>
      r.times.filter((_, i) => r.sentAt[i] >= from && r.sentAt[i] < from + stepMs),
    );
    if (inStep.length > 0) timeline.push({ fromSeconds: from / 1000, requests: inStep.length, ...percentiles(inStep) });
  }
  const figures = {
    overall,
    settled,
    timeline,
    routes: routeRows,
    promotions: { ...promotions, loadEndedAfterSeconds: Number(loadEndedAfter.toFixed(1)) },
  };

  log("");
  log(
    `overall: ${overall.requests} requests (${overall.requestsPerSecond}/s), p50 ${overall.p50Ms} ms, p95 ${overall.p95Ms} ms, p99 ${overall.p99Ms} ms, max ${overall.maxMs} ms; errors ${overall.errors}, timeouts ${overall.timeouts}, non-2xx ${overall.non2xx}`,
  );
  log(
    `  sent after the first ${settled.afterSeconds} s: p50 ${settled.p50Ms} ms, p95 ${settled.p95Ms} ms, p99 ${settled.p99Ms} ms`,
  );
  log(
    `  p95 by when sent: ${timeline.map((t) => `${t.fromSeconds}–${t.fromSeconds + stepMs / 1000} s ${(t.p95Ms / 1000).toFixed(2)}`).join(", ")}`,
  );
  for (const r of routeRows)
    log(
      `  ${r.route.padEnd(26)} n=${String(r.requests).padStart(5)}  p50 ${r.p50Ms.toFixed(0).padStart(5)}  p95 ${r.p95Ms.toFixed(0).padStart(5)}  p99 ${r.p99Ms.toFixed(0).padStart(5)} ms  non-2xx ${r.non2xx}`,
    );
  log(
    `promotions: requested in ${promotions.requestedInSeconds} s; ${promotions.succeeded}/${promotions.count} succeeded in ${promotions.seconds} s (${promotions.promotionsPerSecond}/s); ${promotions.images} images, ${(promotions.logicalBytes / MB).toFixed(0)} MiB promoted, ${(promotions.bytesTransferred / MB).toFixed(0)} MiB uploaded (the rest mounted or already there), ${(promotions.bytesStoredAtTarget / MB).toFixed(0)} MiB in the target's blob store`,
  );
  writeLoadSection("console", figures);
  if (promotions.succeeded !== promotions.count) process.exitCode = 1;
} finally {
  if (server) await stopGantry(server);
  await registries.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

/** Connects both registries, adds a channel over the three components and syncs it: the release's id. */
async function prepareRelease(headers) {
  const connect = async (name, endpoint) =>
    (
      await call(
        "POST",
        "/api/v1/registries",
        headers,
        { name, provider: "generic", endpoint, insecure: true, auth: { kind: "anonymous" } },
        201,
      )
    ).id;
  const sourceId = await connect("vendor", registries.source);
  const targetId = await connect("private", registries.target);
  prepareRelease.targetId = targetId;
  const channel = await call(
    "POST",
    "/api/v1/channels",
    headers,
    {
      name: "load",
      sourceRegistryId: sourceId,
      components: registries.images.map((i) => i.repository),
      tagPattern: ".*",
      ordering: "semver",
      syncIntervalMinutes: 0,
    },
    201,
  );
  const synced = await call("POST", `/api/v1/channels/${channel.id}/sync`, headers, undefined, 200);
  const release =
    synced.releases?.find((r) => r.tag === registries.tag) ??
    (await call("GET", `/api/v1/channels/${channel.id}/releases`, headers, undefined, 200)).releases?.find(
      (r) => r.tag === registries.tag,
    );
  if (!release) throw new Error(`the sync found no release ${registries.tag}: ${JSON.stringify(synced).slice(0, 500)}`);
  return release.id;
}

/** Requests the promotions at once through the API and polls until each settles. */
async function runPromotions(headers, releaseId) {
  const started = Date.now();
  const ids = await Promise.all(
    Array.from({ length: promotionCount }, (_, i) =>
      call(
        "POST",
        "/api/v1/promotions",
        headers,
        {
          releaseId,
          targetRegistryId: prepareRelease.targetId,
          repositoryPrefix: `load${String(i + 1).padStart(2, "0")}/`,
        },
        201,
      ).then((p) => p.id),
    ),
  );
  const requestedInSeconds = Number(((Date.now() - started) / 1000).toFixed(1));
  // Watched as the Promotions page would, one list read a second (the data folder is the
  // bench's own, so the newest promotions are these), not a request per promotion twice a second,
  // which was 14 requests/s of load besides the measured one.
  const views = new Map();
  while (views.size < ids.length && Date.now() - started < 600_000) {
    const { promotions } = await call("GET", `/api/v1/promotions?limit=${ids.length}`, headers, undefined, 200);
    for (const view of promotions)
      if (ids.includes(view.id) && ["succeeded", "failed", "stopped"].includes(view.status)) views.set(view.id, view);
    if (views.size < ids.length) await new Promise((r) => setTimeout(r, 1_000));
  }
  const secondsTaken = (Date.now() - started) / 1000;
  const all = [...views.values()];
  const images = all.flatMap((v) => v.images);
  return {
    count: ids.length,
    succeeded: all.filter((v) => v.status === "succeeded").length,
    requestedInSeconds,
    seconds: Number(secondsTaken.toFixed(1)),
    promotionsPerSecond: Number((ids.length / secondsTaken).toFixed(3)),
    images: images.length,
    logicalBytes: images.reduce((sum, i) => sum + i.bytesTotal, 0),
    bytesTransferred: await bytesTransferred(),
    bytesStoredAtTarget: registries.targetStoredBytes(),
  };
}

/** What the workers say they uploaded (promotion.image_pushed audit details), read from the install's own Postgres. */
async function bytesTransferred() {
  const { default: pg } = await import("pg");
  const c = JSON.parse(fs.readFileSync(path.join(dataDir, "postgres.json"), "utf8"));
  const client = new pg.Client({
    host: "127.0.0.1",
    port: c.port,
    user: c.user,
    password: c.password,
    database: c.database,
  });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT COALESCE(SUM((detail->>'bytesTransferred')::bigint), 0) AS bytes FROM "AuditEvent" WHERE action = 'promotion.image_pushed'`,
    );
    return Number(rows[0].bytes);
  } finally {
    await client.end();
  }
}

async function call(method, url, headers, body, expected) {
  const response = await fetch(base + url, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (response.status !== expected)
    throw new Error(`${method} ${url} answered ${response.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text);
}

/** GET on a connection of its own (closed after), the body read: the status. */
function getOnNewConnection(url, headers) {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers, agent: false }, (response) => {
      response.resume();
      response.on("end", () => resolve(response.statusCode));
    });
    request.on("error", reject);
  });
}

function percentiles(times) {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);
  return { p50Ms: round(at(0.5)), p95Ms: round(at(0.95)), p99Ms: round(at(0.99)) };
}

function round(ms) {
  return Math.round(ms * 10) / 10;
}

function writeLoadSection(key, value) {
  const file = path.join(root, "test-results", "proof", "load.json");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const current = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {};
  fs.writeFileSync(
    file,
    `${JSON.stringify({ ...current, [key]: { ...value, writtenAt: new Date().toISOString() } }, null, 2)}\n`,
  );
}

/** Bundles bench/load.setup.ts (the registry fixtures are TypeScript) and imports it. */
async function loadSetup() {
  const outfile = path.join(root, "bench", "out", "load-setup.mjs");
  await bundleNode(path.join(root, "bench", "load.setup.ts"), outfile);
  return import(pathToFileURL(outfile).href);
}

function log(line) {
  console.log(line);
}
