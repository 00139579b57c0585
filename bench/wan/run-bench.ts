// The WAN benchmark's driver (bench/wan.sh bundles and runs it): a ~1.1 GB release (one
// 524 MB layer, smaller ones) on a source registry, copied cold by `gantry copy` and by
// `skopeo copy` (three at once) into a fresh target, both registries behind wan-proxy.ts:
// RTT 50 and 100 ms, 400 Mbit/s per connection, 1 Gbit/s in total. Prints each round, the
// medians, the ratios gantry/skopeo and gantry/link bound, and requests per blob. gantry is
// the CLI as built by bench/wan.sh (dist/gantry.mjs), so edits during a run do not change it.
import { execFile } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { removeBuiltImages, seedImage, type BuiltImage, type ImageSpec } from "../../test/fixtures/oci-image";
import { startRegistry } from "../../test/fixtures/registry";
import { requestClass, startWan, type RunningWan, type WanRequest } from "./wan-proxy";
import { settleDisk } from "../support/timed-run";

const MB = 1_000_000;
const root = path.resolve(process.argv[2] ?? ".");
const rounds = Number(process.env.ROUNDS ?? 3);
const rtts = (process.env.RTTS ?? "50 100").split(/\s+/).filter(Boolean).map(Number);
const tools = (process.env.TOOLS ?? "gantry skopeo").split(/\s+/).filter(Boolean) as Tool[];
const gantryArgs = (process.env.GANTRY_ARGS ?? "").split(/\s+/).filter(Boolean);
const PER_CONNECTION_MBPS = 400;
const TOTAL_MBPS = 1000;
const base = { size: 30 * MB, seed: "wan-base" };
const RELEASE: { name: string; spec: ImageSpec }[] = [
  {
    name: "engine",
    spec: { layers: [base, { size: 524 * MB, seed: "wan-engine" }, { size: 150 * MB, seed: "wan-e2" }] },
  },
  { name: "api", spec: { layers: [base, { size: 250 * MB, seed: "wan-api" }] } },
  { name: "proxy", spec: { layers: [base, { size: 60 * MB, seed: "wan-p1" }, { size: 40 * MB, seed: "wan-p2" }] } },
];
/** "gantry", "skopeo", or "gantry@<dir>": another build's dist/ (to compare two builds in one run). */
type Tool = string;
interface Run {
  seconds: number;
  classes: Map<string, number>;
  connections: number;
  /** When each blob's GET at the source began, in seconds from the start of the copy. */
  starts: { digest: string; at: number }[];
  /** Every request seen at the source and the target, times in seconds from the start of the copy. */
  source: WanRequest[];
  target: WanRequest[];
}

const source = await startRegistry();
try {
  process.stdout.write("seeding the release…\n");
  const built: BuiltImage[] = [];
  for (const { name, spec } of RELEASE) built.push(await seedImage(source, `vendor/${name}`, "1.0", spec));
  const blobs = new Map(built.flatMap((b) => b.blobs).map((b) => [b.digest, b.size]));
  const total = [...blobs.values()].reduce((a, b) => a + b, 0);
  const largest = Math.max(...blobs.values());
  const largestDigest = [...blobs.entries()].find(([, size]) => size === largest)![0];
  const bound = Math.max(total / ((TOTAL_MBPS * 1e6) / 8), largest / ((PER_CONNECTION_MBPS * 1e6) / 8));
  process.stdout.write(
    `release: ${(total / MB).toFixed(0)} MB in ${blobs.size} distinct blobs, largest ${(largest / MB).toFixed(0)} MB; ` +
      `link bound ${bound.toFixed(2)} s (max of total/${TOTAL_MBPS} Mbit/s, largest/${PER_CONNECTION_MBPS} Mbit/s)\n\n`,
  );
  const [sourceHost, sourcePort] = source.host.split(":");
  for (const rtt of rtts) {
    const srcWan = await startWan({
      upstream: { host: sourceHost!, port: Number(sourcePort) },
      rttMs: rtt,
      perConnectionMbps: PER_CONNECTION_MBPS,
      totalMbps: TOTAL_MBPS,
    });
    const runs: Record<Tool, Run[]> = Object.fromEntries(tools.map((t) => [t, []]));
    try {
      for (let round = 1; round <= rounds; round++) {
        const order: Tool[] = round % 2 ? tools : [...tools].reverse();
        for (const tool of order) {
          // A shared machine's load moves these figures more than anything measured: say what it was.
          const load = os
            .loadavg()
            .map((l) => l.toFixed(2))
            .join(", ");
          const run = await withTarget(rtt, srcWan, (target) =>
            tool === "skopeo" ? skopeo(srcWan.host, target) : gantry(srcWan.host, target, tool),
          );
          runs[tool]!.push(run);
          process.stdout.write(
            `RTT ${rtt} ms round ${round}: ${tool.padEnd(6)} ${run.seconds.toFixed(2)} s (load average before: ${load})\n`,
          );
        }
      }
    } finally {
      await srcWan.stop();
    }
    const g = runs.gantry?.length ? median(runs.gantry.map((r) => r.seconds)) : NaN;
    const s = runs.skopeo?.length ? median(runs.skopeo.map((r) => r.seconds)) : NaN;
    for (const tool of tools.filter((t) => t.startsWith("gantry@")))
      process.stdout.write(`RTT ${rtt} ms median: ${tool} ${median(runs[tool]!.map((r) => r.seconds)).toFixed(2)} s\n`);
    process.stdout.write(
      `RTT ${rtt} ms medians: gantry ${g.toFixed(2)} s, skopeo ${s.toFixed(2)} s, link bound ${bound.toFixed(2)} s; ` +
        `gantry/skopeo ${(g / s).toFixed(2)}× (goal ≤ 0.85 at 50 ms), gantry/bound ${(g / bound).toFixed(2)}× (goal ≤ 1.25)\n`,
    );
    for (const tool of tools) {
      // The median round's requests (the last of two).
      const sorted = [...runs[tool]!].sort((a, b) => a.seconds - b.seconds);
      const last = sorted[Math.floor((sorted.length - 1) / 2) + (sorted.length % 2 ? 0 : 1)]!;
      const perBlob = (name: string) => ((last.classes.get(name) ?? 0) / blobs.size).toFixed(1);
      const listed = [...last.classes.entries()].sort().map(([k, v]) => `${k} ${v}`);
      const starts = last.starts
        .map(({ digest, at }) => `${((blobs.get(digest) ?? 0) / MB).toFixed(0)} MB @${at.toFixed(2)}`)
        .join(", ");
      process.stdout.write(
        `  ${tool} (its median round, ${last.seconds.toFixed(2)} s) blob GETs begin (size @ s from the start): ${starts}\n` +
          `  ${tool} requests (source + target, one cold copy): ${listed.join(", ")}; connections ${last.connections}\n` +
          `  ${tool} per blob (${blobs.size} blobs): HEAD ${perBlob("HEAD blob")}, GET ${perBlob("GET blob")}, ` +
          `POST ${perBlob("POST upload (start)")}, PATCH ${perBlob("PATCH upload (session)")}, PUT ${perBlob("PUT upload (session)")}\n` +
          `  ${tool} ${timeline(last, largestDigest, largest)}\n`,
      );
      if (process.env.REQUESTS) {
        for (const [side, list] of [
          ["source", last.source],
          ["target", last.target],
        ] as const)
          for (const r of list)
            process.stdout.write(
              `    ${side} #${r.connection} ${r.method} ${requestClass(r)} ${r.path.slice(-20)} at ${r.at.toFixed(3)} in ${r.sentAt?.toFixed(3)} answered ${r.answeredAt?.toFixed(3)} ${r.status} done ${r.doneAt?.toFixed(3)}\n`,
            );
      }
    }
    process.stdout.write("\n");
  }
} finally {
  await source.stop();
  await removeBuiltImages();
}

async function withTarget(rtt: number, srcWan: RunningWan, run: (host: string) => Promise<number>): Promise<Run> {
  const target = await startRegistry();
  const [host, port] = target.host.split(":");
  const wan = await startWan({
    upstream: { host: host!, port: Number(port) },
    rttMs: rtt,
    perConnectionMbps: PER_CONNECTION_MBPS,
    totalMbps: TOTAL_MBPS,
  });
  srcWan.reset();
  try {
    await settleDisk();
    const started = performance.now();
    const seconds = await run(wan.host);
    const classes = new Map<string, number>();
    for (const request of [...srcWan.requests, ...wan.requests]) {
      const name = requestClass(request);
      classes.set(name, (classes.get(name) ?? 0) + 1);
    }
    const starts = srcWan.requests
      .filter((r) => r.method === "GET" && /\/blobs\/sha256:/.test(r.path))
      .map((r) => ({ digest: r.path.slice(r.path.lastIndexOf("/") + 1), at: (r.at - started) / 1000 }));
    const relative = (r: WanRequest): WanRequest => {
      const at = (t: number | undefined) => (t === undefined ? undefined : (t - started) / 1000);
      return { ...r, at: at(r.at)!, sentAt: at(r.sentAt), answeredAt: at(r.answeredAt), doneAt: at(r.doneAt) };
    };
    return {
      seconds,
      classes,
      connections: srcWan.connections + wan.connections,
      starts,
      source: srcWan.requests.map(relative),
      target: wan.requests.map(relative),
    };
  } finally {
    await wan.stop();
    await target.stop();
  }
}

function gantry(sourceHost: string, targetHost: string, tool: Tool): Promise<number> {
  const sources = RELEASE.map((r) => `${sourceHost}/vendor/${r.name}:1.0`);
  const dist = tool.startsWith("gantry@") ? tool.slice("gantry@".length) : path.join(root, "dist");
  return timed(process.execPath, [
    path.join(dist, "gantry.mjs"),
    "copy",
    ...gantryArgs,
    "--insecure",
    ...sources,
    `${targetHost}/team/`,
  ]);
}

async function skopeo(sourceHost: string, targetHost: string): Promise<number> {
  const started = performance.now();
  await Promise.all(
    RELEASE.map((r) =>
      timed("skopeo", [
        "--insecure-policy",
        "copy",
        "--src-tls-verify=false",
        "--dest-tls-verify=false",
        "--preserve-digests",
        `docker://${sourceHost}/vendor/${r.name}:1.0`,
        `docker://${targetHost}/team/${r.name}:1.0`,
      ]),
    ),
  );
  return (performance.now() - started) / 1000;
}

function timed(command: string, args: string[]): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) =>
    execFile(command, args, { maxBuffer: 64 * MB }, (error, stdout, stderr) =>
      error
        ? reject(new Error(`${command} failed: ${stderr || stdout}`))
        : resolve((performance.now() - started) / 1000),
    ),
  );
}

/**
 * Where the largest blob's time went, in seconds from the start of the copy: its GET at the
 * source (sent, first answer byte, last byte), its upload's requests at the target (sent,
 * body's last byte in, answered), the manifest PUTs, and the copy's end.
 */
function timeline(run: Run, digest: string, size: number): string {
  const t = (v: number | undefined) => (v === undefined ? "?" : v.toFixed(2));
  const get = run.source.find((r) => r.method === "GET" && r.path.endsWith(`/blobs/${digest}`));
  const parts = [`largest blob (${(size / MB).toFixed(0)} MB):`];
  if (get) {
    const seconds = (get.doneAt ?? NaN) - (get.answeredAt ?? NaN);
    parts.push(
      `GET sent ${t(get.at)}, first byte ${t(get.answeredAt)}, last byte ${t(get.doneAt)} ` +
        `(${(size / MB / seconds).toFixed(1)} MB/s; one connection's cap ${(PER_CONNECTION_MBPS / 8).toFixed(0)} MB/s);`,
    );
  }
  const commit = run.target.find(
    (r) => r.query?.includes(`digest=${encodeURIComponent(digest)}`) || r.query?.includes(`digest=${digest}`),
  );
  if (commit) {
    for (const r of run.target.filter((r) => r.path === commit.path && r.method !== "GET")) {
      parts.push(
        `${r.method} sent ${t(r.at)}, body in ${t(r.sentAt)}, answered ${t(r.answeredAt)} (${r.status ?? "?"});`,
      );
    }
  }
  const manifests = run.target.filter((r) => r.method === "PUT" && r.path.includes("/manifests/"));
  if (manifests.length) {
    parts.push(
      `manifest PUTs sent ${t(Math.min(...manifests.map((r) => r.at)))}–${t(Math.max(...manifests.map((r) => r.at)))}, ` +
        `last answered ${t(Math.max(...manifests.map((r) => r.answeredAt ?? NaN)))};`,
    );
  }
  parts.push(`copy ends ${t(run.seconds)}`);
  return parts.join(" ");
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
