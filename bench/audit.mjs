// Audit benchmark: 1,000,000 hash-chained events in a fresh embedded Postgres, then
//   - the filtered audit query (listAuditEvents, what the page and API run), p50/p95
//   - GET /api/v1/audit (Bearer token) and the /audit page (signed-in session), p50/p95
//   - a CSV export of every event over HTTP, sampling the web server's RSS every 100 ms
//   - `gantry audit verify` over the whole chain
//
//   node bench/audit.mjs [--events N] [--requests N]      (npm run bench:audit)
//
// Starts `bin/gantry start` on its own data folder and port (building the web app first if
// the build is stale), and removes both at the end.
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { argValue, freePort, gantryCli, root, signIn, startGantry, stopGantry } from "./support/gantry-install.mjs";

const { bundleNode } = createRequire(import.meta.url)("../scripts/bundle-node.cjs");

const eventCount = Number(argValue("--events") ?? 1_000_000);
const requestCount = Number(argValue("--requests") ?? 130);
const targets = { p95Ms: 150, rssGrowthMb: 50 };

const probe = await loadProbe();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "gantry-audit-bench-"));
fs.chmodSync(dataDir, 0o755);
const admin = { email: "bench-admin@example.com", password: crypto.randomBytes(12).toString("base64url") };
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const env = { ...process.env, GANTRY_DATA_DIR: dataDir, GANTRY_LOG_LEVEL: "warn", NEXT_TELEMETRY_DISABLED: "1" };
delete env.DATABASE_URL;

log(
  `Gantry audit benchmark — ${os.cpus().length} cores, node ${process.version}, ${eventCount.toLocaleString("en")} events`,
);
const server = await startGantry({ port, env, admin });
const rows = [];
const slowest = [];
try {
  const url = await probe.databaseUrl(dataDir);
  const token = gantryCli(env, [
    "tokens",
    "create",
    "--email",
    admin.email,
    "--name",
    "bench",
    "--role",
    "admin",
  ]).trim();

  log("seeding…");
  const seeded = await probe.seedAuditEvents(url, eventCount, log);
  rows.push([
    "seed (insert, chained in Node)",
    `${seeded.seconds.toFixed(1)} s`,
    `${Math.round(eventCount / seeded.seconds).toLocaleString("en")} events/s`,
  ]);
  rows.push(["trigram indexes + analyze", `${seeded.indexSeconds.toFixed(1)} s`, ""]);

  const filters = probe.benchFilters(requestCount);
  const queryTimes = await probe.timeQueries(url, filters);
  rows.push(
    latencyRow(
      "query: listAuditEvents",
      queryTimes.map((t) => t.ms),
    ),
  );
  slowest.push(
    ...slowestOf(
      "query",
      queryTimes.map((t) => t.filter),
      queryTimes.map((t) => t.ms),
    ),
  );

  const apiTimes = await timeHttp(filters, (f) => `/api/v1/audit?${new URLSearchParams({ ...f, limit: "50" })}`, {
    authorization: `Bearer ${token}`,
  });
  rows.push(latencyRow("HTTP: GET /api/v1/audit", apiTimes));

  const cookie = await signIn(base, admin);
  const pageTimes = await timeHttp(filters, (f) => `/audit?${new URLSearchParams(f)}`, { cookie });
  rows.push(latencyRow("HTTP: GET /audit page", pageTimes));
  // The same console layout around almost nothing: what any page costs here.
  const baseline = await timeHttp(filters.slice(0, 40), () => "/settings", { cookie });
  rows.push(
    latencyRow("HTTP: GET /settings (baseline)", baseline)
      .slice(0, 2)
      .concat("the console layout alone, for comparison"),
  );
  slowest.push(...slowestOf("page", filters, pageTimes));

  const exported = await exportWithRss(token);
  rows.push([
    "export CSV over HTTP",
    `${exported.seconds.toFixed(1)} s`,
    `${exported.rows.toLocaleString("en")} rows, ${(exported.bytes / 1e6).toFixed(0)} MB, ${Math.round(exported.rows / exported.seconds).toLocaleString("en")} rows/s`,
  ]);
  const growth = exported.rss.peak - exported.rss.start;
  rows.push([
    "web server RSS during export",
    `+${growth.toFixed(0)} MB`,
    `start ${exported.rss.start.toFixed(0)} / peak ${exported.rss.peak.toFixed(0)} / end ${exported.rss.end.toFixed(0)} MB (${exported.rss.samples} samples) ${verdict(growth <= targets.rssGrowthMb, `target ≤ +${targets.rssGrowthMb} MB`)}`,
  ]);

  const verifyStarted = Date.now();
  const verified = gantryCli(env, ["audit", "verify"], { allowFailure: true });
  rows.push(["gantry audit verify", `${((Date.now() - verifyStarted) / 1000).toFixed(1)} s`, verified.trim()]);
} finally {
  await stopGantry(server);
  fs.rmSync(dataDir, { recursive: true, force: true });
}

log("");
for (const [name, value, note] of rows) log(`${name.padEnd(34)} ${value.padStart(22)}  ${note}`);
log("\nslowest requests:");
for (const s of slowest) log(`  ${s.kind.padEnd(6)} ${s.ms.toFixed(0).padStart(5)} ms  ${JSON.stringify(s.filter)}`);

function slowestOf(kind, filters, times) {
  return times
    .map((ms, i) => ({ kind, ms, filter: filters[i] }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 4);
}

function latencyRow(name, times) {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const p95 = at(0.95);
  return [
    name,
    `p50 ${at(0.5).toFixed(1)} / p95 ${p95.toFixed(1)} ms`,
    `max ${sorted[sorted.length - 1].toFixed(0)} ms, n=${times.length} ${verdict(p95 <= targets.p95Ms, `target p95 ≤ ${targets.p95Ms} ms`)}`,
  ];
}

function verdict(ok, target) {
  return `${ok ? "✓" : "✗"} ${target}`;
}

async function timeHttp(filters, pathFor, headers) {
  // Warm the route (first render compiles nothing in production, but fills caches).
  await (await fetch(base + pathFor({}), { headers })).arrayBuffer();
  const times = [];
  for (const filter of filters) {
    const started = performance.now();
    const response = await fetch(base + pathFor(filter), { headers, redirect: "manual" });
    await response.arrayBuffer();
    times.push(performance.now() - started);
    if (response.status !== 200) throw new Error(`${pathFor(filter)} answered ${response.status}`);
  }
  return times;
}

/** Streams the whole CSV export, counting rows, while sampling the web process's RSS. */
async function exportWithRss(token) {
  const web = webProcess(server.pid);
  const rss = { start: readRssMb(web), peak: 0, end: 0, samples: 0 };
  rss.peak = rss.start;
  const sampler = setInterval(() => {
    const now = readRssMb(web);
    rss.samples += 1;
    if (now > rss.peak) rss.peak = now;
  }, 100);
  const started = Date.now();
  const response = await fetch(`${base}/api/v1/audit/export?format=csv`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (response.status !== 200) throw new Error(`export answered ${response.status}`);
  let bytes = 0;
  let newlines = 0;
  for await (const chunk of response.body) {
    bytes += chunk.length;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) newlines += 1;
  }
  const seconds = (Date.now() - started) / 1000;
  clearInterval(sampler);
  await new Promise((r) => setTimeout(r, 1000));
  rss.end = readRssMb(web);
  // One header line; detail JSON holds no raw line breaks, so lines are rows.
  return { seconds, bytes, rows: newlines - 1, rss };
}

/** The web process among gantry's children (dist/serve-web.mjs; not the worker, not Postgres). */
function webProcess(rootPid) {
  const all = [rootPid];
  for (let i = 0; i < all.length; i += 1) {
    try {
      all.push(
        ...execFileSync("ps", ["-o", "pid=", "--ppid", String(all[i])], { encoding: "utf8" })
          .trim()
          .split(/\s+/)
          .filter(Boolean)
          .map(Number),
      );
    } catch {
      // no children
    }
  }
  const named = all.map((pid) => ({ pid, cmd: readCmdline(pid) }));
  const web = named.find((p) => /serve-web\.mjs/.test(p.cmd));
  if (!web) throw new Error(`no web process among:\n${named.map((p) => `${p.pid} ${p.cmd}`).join("\n")}`);
  return web.pid;
}

function readCmdline(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
  } catch {
    return "";
  }
}

function readRssMb(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** Bundles bench/audit/probe.ts (it uses the app's TypeScript) and imports it. */
async function loadProbe() {
  const outfile = path.join(root, "bench", "out", "audit-probe.mjs");
  await bundleNode(path.join(root, "bench", "audit", "probe.ts"), outfile);
  return import(pathToFileURL(outfile).href);
}

function log(line) {
  console.log(line);
}
