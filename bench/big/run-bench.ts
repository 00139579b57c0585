// The big-release benchmark's driver (bench/big.sh bundles and runs it): a ~10 GB release
// (one 4 GiB layer, three smaller ones) copied by `bin/gantry copy --json` between two local
// CNCF registries. Prints the wall time, the CLI's peak RSS (GNU time -v) and the longest
// gap between two progress events whose bytes moved (goal: RSS ≤ 150 MB, gap ≤ 1 s). The
// layers are written once as random bytes and hard-linked into the source registry's storage
// (no 10 GB push); everything is deleted at the end.
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { link, mkdir, statfs, writeFile } from "node:fs/promises";
import path from "node:path";
import { buildImage, removeBuiltImages, type BuiltImage, type ImageSpec } from "../../test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "../../test/fixtures/registry";

const GB = 1_000_000_000;
const GiB = 1024 ** 3;
const root = path.resolve(process.argv[2] ?? ".");
const RELEASE: { name: string; spec: ImageSpec }[] = [
  {
    name: "engine",
    spec: {
      layers: [
        { size: 4 * GiB, seed: "big-4g" },
        { size: 1_500_000_000, seed: "big-e2" },
      ],
    },
  },
  { name: "models", spec: { layers: [{ size: 2_500_000_000, seed: "big-m1" }] } },
  {
    name: "api",
    spec: {
      layers: [
        { size: 1_600_000_000, seed: "big-a1" },
        { size: 100_000_000, seed: "big-a2" },
      ],
    },
  },
];

const free = await statfs(process.env.TMPDIR ?? "/tmp");
const freeBytes = free.bavail * free.bsize;
// Layers once on disk (the layout), linked into the source, and once more in the target.
if (freeBytes < 25 * GB) {
  process.stderr.write(
    `bench/big: needs 25 GB free under ${process.env.TMPDIR ?? "/tmp"}, has ${(freeBytes / GB).toFixed(1)} GB\n`,
  );
  process.exit(2);
}

const [source, target] = await Promise.all([startRegistry(), startRegistry()]);
try {
  let started = Date.now();
  process.stdout.write("writing the release's layers (random bytes)…\n");
  const built: BuiltImage[] = [];
  for (const { name, spec } of RELEASE) {
    const image = await buildImage(spec);
    await linkIntoRegistry(image, source, `vendor/${name}`, "1.0");
    built.push(image);
  }
  const total = built.reduce((sum, b) => sum + b.size, 0);
  process.stdout.write(
    `release: ${(total / GB).toFixed(2)} GB, largest layer 4 GiB; written in ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
  );

  started = Date.now();
  const events: { at: number; image: number; bytes: number }[] = [];
  const { peakRssKb, code, stderr } = await runCli(
    [
      "copy",
      "--json",
      "--insecure",
      ...RELEASE.map((r) => `${source.host}/vendor/${r.name}:1.0`),
      `${target.host}/team/`,
    ],
    (line) => {
      const event = JSON.parse(line) as { type: string; imageIndex?: number; bytesDone?: number };
      if (event.type === "image")
        events.push({ at: Date.now(), image: event.imageIndex ?? 0, bytes: event.bytesDone ?? 0 });
    },
  );
  const seconds = (Date.now() - started) / 1000;
  if (code !== 0) throw new Error(`gantry copy failed (${code}): ${stderr.slice(-2000)}`);
  const moved = movingGaps(events);
  process.stdout.write(
    `gantry copy: ${seconds.toFixed(1)} s (${(total / GB / seconds).toFixed(2)} GB/s), peak RSS ${(peakRssKb / 1024).toFixed(0)} MB ` +
      `(goal ≤ 150 MB: ${peakRssKb <= 150 * 1024 ? "yes" : "NO"}); ${events.length} progress events, ` +
      `longest gap between moving ones ${moved.toFixed(2)} s (goal ≤ 1 s: ${moved <= 1 ? "yes" : "NO"})\n`,
  );
  for (const image of built) {
    const name = RELEASE[built.indexOf(image)]!.name;
    const raw = execFileSync("skopeo", [
      "inspect",
      "--raw",
      "--tls-verify=false",
      `docker://${target.host}/team/${name}:1.0`,
    ]);
    const hash = `sha256:${createHash("sha256").update(raw).digest("hex")}`;
    process.stdout.write(
      `  ${name}: ${hash === image.manifestDigest ? "same digest at the target (skopeo)" : `DIGEST DIFFERS ${hash}`}\n`,
    );
  }
} finally {
  await Promise.all([source.stop(), target.stop()]);
  await removeBuiltImages();
}

/** The longest time between two events that moved the release's total bytes on. */
function movingGaps(events: { at: number; image: number; bytes: number }[]): number {
  const perImage = new Map<number, number>();
  let total = 0;
  let last = events[0]?.at ?? 0;
  let longest = 0;
  for (const e of events) {
    perImage.set(e.image, e.bytes);
    const now = [...perImage.values()].reduce((a, b) => a + b, 0);
    if (now > total) {
      longest = Math.max(longest, (e.at - last) / 1000);
      last = e.at;
      total = now;
    }
  }
  return longest;
}

/** bin/gantry under GNU time -v, its stdout read line by line. */
function runCli(
  args: string[],
  onLine: (line: string) => void,
): Promise<{ peakRssKb: number; code: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn("/usr/bin/time", ["-v", process.execPath, path.join(root, "dist", "gantry.mjs"), ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let buffered = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      const lines = buffered.split("\n");
      buffered = lines.pop()!;
      for (const line of lines) if (line.trim()) onLine(line);
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("close", (code) => {
      const peak = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      resolve({ peakRssKb: Number(peak?.[1] ?? NaN), code: code ?? 1, stderr });
    });
  });
}

/**
 * Puts an OCI layout's image into a running registry's filesystem storage (distribution's
 * layout: blobs by digest, per-repository links) by hard links: no byte is copied.
 */
async function linkIntoRegistry(image: BuiltImage, registry: RunningRegistry, repository: string, tag: string) {
  const v2 = path.join(registry.dataDir, "docker", "registry", "v2");
  const repo = path.join(v2, "repositories", repository);
  const blobPath = (hex: string) => path.join(v2, "blobs", "sha256", hex.slice(0, 2), hex, "data");
  const writeLink = async (dir: string, digest: string) => {
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, "link"), digest);
  };
  const hexes = [...image.blobs.map((b) => b.digest), image.manifestDigest].map((d) => d.slice("sha256:".length));
  for (const hex of hexes) {
    await mkdir(path.dirname(blobPath(hex)), { recursive: true });
    await link(path.join(image.layoutDir, "blobs", "sha256", hex), blobPath(hex)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== "EEXIST") throw e;
    });
  }
  for (const blob of image.blobs)
    await writeLink(path.join(repo, "_layers", "sha256", blob.digest.slice(7)), blob.digest);
  const hex = image.manifestDigest.slice(7);
  await writeLink(path.join(repo, "_manifests", "revisions", "sha256", hex), image.manifestDigest);
  await writeLink(path.join(repo, "_manifests", "tags", tag, "current"), image.manifestDigest);
  await writeLink(path.join(repo, "_manifests", "tags", tag, "index", "sha256", hex), image.manifestDigest);
}
