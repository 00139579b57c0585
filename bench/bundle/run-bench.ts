// The bundle benchmark's driver (bench/bundle.sh bundles and runs it). A synthetic release of
// three images on a local source registry is exported to a bundle by `gantry bundle export`
// (one file) and by `skopeo copy … oci-archive:` (one archive per image, the three at once, as
// an operator would script it), then imported into a fresh registry by `gantry bundle import`
// and by `skopeo copy oci-archive:… docker://…` (three at once). Prints wall times, the
// ratios and peak RSS (GNU time).
import { mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { removeBuiltImages, seedImage, type BuiltImage, type ImageSpec } from "../../test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "../../test/fixtures/registry";
import { fmt, settleDisk, timed, type Run } from "../support/timed-run";

const MB = 1_000_000;
const root = path.resolve(process.argv[2] ?? ".");
const rounds = Number(process.env.ROUNDS ?? 1);
const base = { size: 30 * MB, seed: "bench-bundle-base" };
const RELEASE: { name: string; spec: ImageSpec }[] = [
  {
    name: "api",
    spec: { layers: [base, { size: 524 * MB, seed: "bundle-api-1" }, { size: 100 * MB, seed: "bundle-api-2" }] },
  },
  { name: "engine", spec: { layers: [base, { size: 250 * MB, seed: "bundle-engine-1" }] } },
  { name: "proxy", spec: { layers: [base, { size: 150 * MB, seed: "bundle-proxy-1" }] } },
];

const SKOPEO = ["--insecure-policy", "copy", "--src-tls-verify=false", "--dest-tls-verify=false", "--preserve-digests"];

const source = await startRegistry();
const work = await mkdtemp(path.join(tmpdir(), "gantry-bundle-bench-"));
try {
  process.stdout.write("seeding the synthetic release…\n");
  const built: BuiltImage[] = [];
  for (const { name, spec } of RELEASE) built.push(await seedImage(source, `vendor/${name}`, "1.0", spec));
  const total = built.reduce((sum, b) => sum + b.size, 0);
  process.stdout.write(
    `release: ${RELEASE.map((r, i) => `${r.name} ${(built[i]!.size / MB).toFixed(0)} MB`).join(", ")}; ${(total / MB).toFixed(0)} MB in all\n\n`,
  );
  const sources = RELEASE.map((r) => `${source.host}/vendor/${r.name}:1.0`);

  for (let round = 1; round <= rounds; round++) {
    const order = round % 2 === 1 ? (["skopeo", "gantry"] as const) : (["gantry", "skopeo"] as const);
    const measured: Record<string, { exported: Run; imported: Run; bytes: number }> = {};
    for (const tool of order) {
      const dir = path.join(work, `${tool}-${round}`);
      const exported = tool === "gantry" ? await gantryExport(sources, dir) : await skopeoExport(sources, dir);
      const bytes = await sizeOf(dir, tool === "gantry" ? ["bundle.tar"] : RELEASE.map((r) => `${r.name}.tar`));
      const imported = await withTarget((t) => (tool === "gantry" ? gantryImport(dir, t) : skopeoImport(dir, t)));
      measured[tool] = { exported, imported, bytes };
      await rm(dir, { recursive: true, force: true });
    }
    const s = measured.skopeo!;
    const g = measured.gantry!;
    process.stdout.write(
      `round ${round}, order ${order.join(", ")} (skopeo: three copies at once; its peak RSS is the largest)\n`,
    );
    process.stdout.write(
      `export  skopeo ${fmt(s.exported)}  |  gantry ${fmt(g.exported)}  ratio ${ratio(g.exported, s.exported)}\n`,
    );
    process.stdout.write(
      `import  skopeo ${fmt(s.imported)}  |  gantry ${fmt(g.imported)}  ratio ${ratio(g.imported, s.imported)}\n`,
    );
    process.stdout.write(
      `bundle size: gantry ${(g.bytes / MB).toFixed(0)} MB in one file, skopeo ${(s.bytes / MB).toFixed(0)} MB in three\n`,
    );
    const peak = Math.max(g.exported.peakRssKb, g.imported.peakRssKb);
    process.stdout.write(
      `targets: export ≤ 0.9× ${g.exported.seconds <= 0.9 * s.exported.seconds ? "yes" : "NO"}, ` +
        `import ≤ 0.9× ${g.imported.seconds <= 0.9 * s.imported.seconds ? "yes" : "NO"}, ` +
        `peak RSS ≤ 150 MB ${peak <= 150 * 1024 ? "yes" : "NO"} (${Math.round(peak / 1024)} MB)\n\n`,
    );
  }
} finally {
  await source.stop();
  await removeBuiltImages();
  await rm(work, { recursive: true, force: true });
}

async function gantryExport(sources: string[], dir: string): Promise<Run> {
  await settleDisk();
  await mkdirp(dir);
  const bin = path.join(root, "bin", "gantry");
  return timed(process.execPath, [
    bin,
    "bundle",
    "export",
    "--insecure",
    "-o",
    path.join(dir, "bundle.tar"),
    ...sources,
  ]);
}

async function gantryImport(dir: string, target: RunningRegistry): Promise<Run> {
  await settleDisk();
  const bin = path.join(root, "bin", "gantry");
  return timed(process.execPath, [
    bin,
    "bundle",
    "import",
    "--insecure",
    path.join(dir, "bundle.tar"),
    `${target.host}/team/`,
  ]);
}

async function skopeoExport(sources: string[], dir: string): Promise<Run> {
  await settleDisk();
  await mkdirp(dir);
  return parallel(
    sources.map((ref) => {
      const name = ref.split("/").pop()!.split(":")[0]!;
      return [
        "skopeo",
        [...SKOPEO, `docker://${ref}`, `oci-archive:${path.join(dir, `${name}.tar`)}:vendor/${name}:1.0`],
      ];
    }),
  );
}

async function skopeoImport(dir: string, target: RunningRegistry): Promise<Run> {
  await settleDisk();
  return parallel(
    RELEASE.map(({ name }) => [
      "skopeo",
      [
        ...SKOPEO,
        `oci-archive:${path.join(dir, `${name}.tar`)}:vendor/${name}:1.0`,
        `docker://${target.host}/team/${name}:1.0`,
      ],
    ]),
  );
}

async function parallel(commands: [string, string[]][]): Promise<Run> {
  const started = process.hrtime.bigint();
  const runs = await Promise.all(commands.map(([command, args]) => timed(command, args)));
  return {
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    peakRssKb: Math.max(...runs.map((r) => r.peakRssKb)),
  };
}

/** A fresh, empty target registry for one tool's import. */
async function withTarget<T>(run: (target: RunningRegistry) => Promise<T>): Promise<T> {
  const target = await startRegistry();
  try {
    return await run(target);
  } finally {
    await target.stop();
  }
}

async function sizeOf(dir: string, names: string[]): Promise<number> {
  let total = 0;
  for (const name of names) total += (await stat(path.join(dir, name))).size;
  return total;
}

async function mkdirp(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
}

function ratio(a: Run, b: Run): string {
  return `${(a.seconds / b.seconds).toFixed(2)}×`;
}
