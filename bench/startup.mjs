// Seconds from `npm start` to a healthy /api/health — first start (build included) and a
// later start — and the resident memory of everything it runs at idle.
//
//   node bench/startup.mjs [--keep-build]
//
// --keep-build skips deleting .next, so the "first start" then measures a start on a fresh
// data folder without a build.
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "./support/gantry-install.mjs";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const keepBuild = process.argv.includes("--keep-build");
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "gantry-bench-"));
fs.chmodSync(dataDir, 0o755);
const port = await freePort();

if (!keepBuild) fs.rmSync(path.join(root, ".next"), { recursive: true, force: true });
const first = await startAndTime();
const idle = await idleMemory(first.child.pid);
const stopFirst = await stop(first.child);
const second = await startAndTime();
const stopSecond = await stop(second.child);
fs.rmSync(dataDir, { recursive: true, force: true });

const rows = [
  [
    `first start to healthy${keepBuild ? " (build kept)" : " (build included)"}`,
    `${first.seconds.toFixed(1)} s`,
    "target ≤ 150 s",
  ],
  ["later start to healthy", `${second.seconds.toFixed(1)} s`, "target ≤ 15 s"],
  ["idle memory, proportional (PSS) sum", `${idle.pssMb.toFixed(0)} MB`, "target ≤ 600 MB"],
  ["idle memory, resident (RSS) sum", `${idle.rssMb.toFixed(0)} MB`, "(double-counts Postgres shared memory)"],
  ["stop (SIGTERM to exit)", `${stopFirst.toFixed(1)} s / ${stopSecond.toFixed(1)} s`, ""],
];
console.log(`\nGantry startup benchmark — ${os.cpus().length} cores, node ${process.version}`);
for (const [name, value, note] of rows) console.log(`${name.padEnd(40)} ${value.padStart(14)}  ${note}`);
console.log("\nidle processes:");
for (const p of idle.processes)
  console.log(
    `  ${String(p.pid).padStart(7)}  ${p.pssMb.toFixed(0).padStart(5)} MB PSS  ${p.rssMb.toFixed(0).padStart(5)} MB RSS  ${p.name}`,
  );

async function startAndTime() {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [path.join(root, "bin", "gantry"), "start", "--port", String(port)], {
    cwd: root,
    env: { ...process.env, GANTRY_DATA_DIR: dataDir, GANTRY_LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`gantry start exited early:\n${log}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return { child, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGKILL");
  throw new Error(`not healthy within 300 s:\n${log}`);
}

async function stop(child) {
  const started = Date.now();
  child.kill("SIGTERM");
  await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once("exit", resolve)));
  return (Date.now() - started) / 1000;
}

/** After 20 s of idling: PSS and RSS of the launcher and every process below it, Postgres included. */
async function idleMemory(rootPid) {
  await new Promise((r) => setTimeout(r, 20_000));
  const pids = descendants(rootPid);
  const processes = pids.map((pid) => ({ pid, name: readName(pid), ...readMemory(pid) })).filter((p) => p.rssMb > 0);
  return { processes, pssMb: sum(processes, "pssMb"), rssMb: sum(processes, "rssMb") };
}

function descendants(pid) {
  const all = [pid];
  for (let i = 0; i < all.length; i += 1) {
    let children = "";
    try {
      children = execFileSync("ps", ["-o", "pid=", "--ppid", String(all[i])], { encoding: "utf8" }).trim();
    } catch {
      // ps exits 1 when a process has no children
    }
    if (children) all.push(...children.split(/\s+/).map(Number));
  }
  return all;
}

function readName(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ").slice(0, 90);
  } catch {
    return "?";
  }
}

function readMemory(pid) {
  try {
    const rollup = fs.readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, "m").exec(rollup)?.[1] ?? 0);
    return { pssMb: kb("Pss") / 1024, rssMb: kb("Rss") / 1024 };
  } catch {
    return { pssMb: 0, rssMb: 0 };
  }
}

function sum(items, key) {
  return items.reduce((total, item) => total + item[key], 0);
}
