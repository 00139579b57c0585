// The copy benchmark's driver (bench/copy.sh bundles and runs it): a synthetic release of
// three images on a local source registry, copied cold (empty target) and warm (again) by
// `gantry copy` (one call; through bin/gantry and through a bundle of the copy command
// alone) and by `skopeo copy` (three in parallel), each into a fresh target registry.
// Prints wall times, ratios and peak RSS (GNU time).
import path from "node:path";
import { removeBuiltImages, seedImage, type BuiltImage, type ImageSpec } from "../../test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "../../test/fixtures/registry";
import { fmt, settleDisk, timed, type Run } from "../support/timed-run";

const MB = 1_000_000;
const root = path.resolve(process.argv[2] ?? ".");
const rounds = Number(process.env.ROUNDS ?? 1);
const sweep = (process.env.CONCURRENCY_SWEEP ?? "").split(/\s+/).filter(Boolean).map(Number);
const base = { size: 30 * MB, seed: "bench-release-base" };
const RELEASE: { name: string; spec: ImageSpec }[] = [
  { name: "api", spec: { layers: [base, { size: 400 * MB, seed: "api-1" }, { size: 270 * MB, seed: "api-2" }] } },
  { name: "engine", spec: { layers: [base, { size: 250 * MB, seed: "engine-1" }] } },
  { name: "proxy", spec: { layers: [base, { size: 60 * MB, seed: "proxy-1" }, { size: 30 * MB, seed: "proxy-2" }] } },
];

const source = await startRegistry();
try {
  process.stdout.write("seeding the synthetic release…\n");
  const built: BuiltImage[] = [];
  for (const { name, spec } of RELEASE) built.push(await seedImage(source, `vendor/${name}`, "1.0", spec));
  const total = built.reduce((sum, b) => sum + b.size, 0);
  process.stdout.write(
    `release: ${RELEASE.map((r, i) => `${r.name} ${(built[i]!.size / MB).toFixed(0)} MB`).join(", ")}; ${(total / MB).toFixed(0)} MB in all\n\n`,
  );
  const sources = RELEASE.map((r) => `${source.host}/vendor/${r.name}:1.0`);

  for (const concurrency of sweep) {
    const cold = await withTarget((t) => gantry(sources, t, concurrency));
    process.stdout.write(
      `sweep: gantry --concurrency ${concurrency}: cold ${cold.seconds.toFixed(2)} s, peak RSS ${(cold.peakRssKb / 1024).toFixed(0)} MB\n`,
    );
  }

  for (let round = 1; round <= rounds; round++) {
    const pair = (run: (t: RunningRegistry) => Promise<Run>) =>
      withTarget(async (t) => ({ cold: await run(t), warm: await run(t) }));
    const tools = {
      skopeo: () => pair((t) => skopeo(sources, t)),
      gantry: () => pair((t) => gantry(sources, t)),
      lean: () => pair((t) => gantry(sources, t, undefined, "bench/out/copy-only.mjs")),
    };
    // Each round starts with another tool, so no tool always meets a busier disk.
    const order = (["skopeo", "gantry", "lean"] as const).map((_, i, all) => all[(i + round - 1) % all.length]!);
    const measured: Partial<Record<keyof typeof tools, { cold: Run; warm: Run }>> = {};
    for (const tool of order) measured[tool] = await tools[tool]();
    const { skopeo: s, gantry: g, lean } = measured as Record<keyof typeof tools, { cold: Run; warm: Run }>;
    process.stdout.write(
      `round ${round}, order ${order.join(", ")} (skopeo: three copies in parallel; its peak RSS is the largest of the three)\n`,
    );
    for (const [what, key] of [
      ["cold", "cold"],
      ["warm", "warm"],
    ] as const) {
      process.stdout.write(
        `${what}  skopeo ${fmt(s[key])}  |  bin/gantry ${fmt(g[key])} ratio ${ratio(g[key], s[key])}  |  copy-only ${fmt(lean[key])} ratio ${ratio(lean[key], s[key])}\n`,
      );
    }
    const verdict = (r: { cold: Run; warm: Run }) =>
      `cold ≤ 1.0× ${r.cold.seconds <= s.cold.seconds ? "yes" : "NO"}, warm ≤ 2× ${r.warm.seconds <= 2 * s.warm.seconds ? "yes" : "NO"}, ` +
      `peak RSS ≤ 120 MB ${Math.max(r.cold.peakRssKb, r.warm.peakRssKb) <= 120 * 1024 ? "yes" : "NO"}`;
    process.stdout.write(`targets bin/gantry: ${verdict(g)}\ntargets copy-only:  ${verdict(lean)}\n\n`);
  }
} finally {
  await source.stop();
  await removeBuiltImages();
}

/** A fresh, empty target registry for one tool's cold and warm runs. */
async function withTarget<T>(run: (target: RunningRegistry) => Promise<T>): Promise<T> {
  const target = await startRegistry();
  try {
    return await run(target);
  } finally {
    await target.stop();
  }
}

/** `bin/gantry copy …`, or the copy command alone from its own bundle (`entry`). */
async function gantry(sources: string[], target: RunningRegistry, concurrency?: number, entry?: string): Promise<Run> {
  await settleDisk();
  const args = [
    "--insecure",
    ...(concurrency ? ["--concurrency", String(concurrency)] : []),
    ...sources,
    `${target.host}/team/`,
  ];
  return timed(
    process.execPath,
    entry ? [path.join(root, entry), ...args] : [path.join(root, "bin", "gantry"), "copy", ...args],
  );
}

function ratio(a: Run, b: Run): string {
  return `${(a.seconds / b.seconds).toFixed(2)}×`;
}

/** skopeo as an operator would script it: one `skopeo copy` per image, all three at once. */
async function skopeo(sources: string[], target: RunningRegistry): Promise<Run> {
  await settleDisk();
  const started = process.hrtime.bigint();
  const runs = await Promise.all(
    sources.map((ref) => {
      const name = ref.split("/").pop()!;
      const args = [
        "--insecure-policy",
        "copy",
        "--src-tls-verify=false",
        "--dest-tls-verify=false",
        "--preserve-digests",
      ];
      return timed("skopeo", [...args, `docker://${ref}`, `docker://${target.host}/team/${name}`]);
    }),
  );
  return {
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    peakRssKb: Math.max(...runs.map((r) => r.peakRssKb)),
  };
}
