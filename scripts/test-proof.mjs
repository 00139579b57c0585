// `npm run test:proof`: the proof suites — property and hostile-input tests, the RBAC matrix,
// SSRF, the fault tests (vitest), then the proof e2e specs (Playwright) — and
// docs/reliability.md rewritten from their results. Playwright empties test-results/ when it
// starts, so it runs first. The vitest run sets GANTRY_PROOF_LONG=1: the long parts (more
// seeded fault runs, SIGKILL with two workers, twenty promotions on two worker processes) run
// only here; then bench/load.mjs puts the console under load. Every other part also runs in
// plain `npm test`.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readResults, renderSection, resultsDir, writeSection } from "./proof-report.mjs";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const run = (command, args, env = {}) =>
  spawnSync(command, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } }).status ?? 1;

const FAULTS_INTRO = [
  "Suites: `test/proof/faults/registry-faults.test.ts`, `hostile-source.test.ts`, `process-faults.test.ts` — each a promotion created through `createPromotion` and copied by a real worker (in-process, or child processes from `test/support/start-worker-process.ts`) between real CNCF registries, with the fault proxy, the token server, the storage-quota proxy and the hostile registry of `test/fixtures`. After every fault: the promotion settled (each image pushed, or failed with the kind shown), no image left `pushing` or `pending`, pushed digests equal the source's (skopeo), and `/api/health`'s handler answers with the database up. Postgres is restarted on an embedded server of the test's own. The quick cases run in `npm test`; `npm run test:proof` adds 20 seeded reset runs and SIGKILL with two workers (`GANTRY_PROOF_LONG=1`).",
  "",
  "`e2e/proof-restart.spec.ts` restarts the whole install (web, worker, embedded Postgres) under a promotion.",
  "",
  "Bugs these found, each fixed in its own commit: a target connection cut during a streamed blob upload (registry restarted, socket reset on the upload PUT) failed the image as `network: unexpected error: write ECONNRESET` without a retry — undici destroys the digest verifier with the raw socket error, which the upload took as its cause; it is now a retryable network failure naming the target. A source trickling bytes (1 byte every 100 ms) never went silent, so the 60 s idle timeout never fired and one blob could hold a worker for hours; a blob moving under 1 KiB/s over `GANTRY_PROMOTION_LOW_SPEED_SECONDS` (60 s) is now cut and retried, then fails as `network`.",
].join("\n");

const LOAD_INTRO = [
  "Measured on the development machine (2 cores, shared with other work while it ran, the worker copying on the same cores): figures to compare runs by, not a capacity rating. Regenerate with `npm run test:proof` (`node scripts/test-proof.mjs --report-only` rewrites this section and the faults section from the results on disk).",
  "",
  "Seen here, not changed: promotions running at the same time each upload the shared blobs into their own repositories — a mount from a repository of the same registry happens within one promotion (and for blobs present when it was planned), not from a concurrent one — so 20 promotions of one release upload the same 7 blobs up to 20 times. Nothing is copied twice into one repository, and the registry stores each blob once.",
].join("\n");

// `--report-only` rewrites the faults and load sections from the results already on disk.
if (process.argv.includes("--report-only")) process.exit(writeFaultsAndLoad() ? 0 : 1);

// Fault rows are merged from per-file fragments (e2e/proof-restart.spec.ts writes one too): start from none.
for (const stale of ["faults.d", "faults.json", "load.json"])
  fs.rmSync(path.join(resultsDir, stale), { recursive: true, force: true });
const e2eSpecs = fs
  .readdirSync(path.join(root, "e2e"))
  .filter((f) => /^proof-.*\.spec\.ts$/.test(f))
  .map((f) => `e2e/${f}`);
const e2e = e2eSpecs.length ? run(bin("playwright"), ["test", ...e2eSpecs]) : 0;
const unit = run(bin("vitest"), ["run", "test/proof/", ".property.test.ts"], { GANTRY_PROOF_LONG: "1" });
const load = run(process.execPath, [path.join(root, "bench", "load.mjs")]);
const report = run(process.execPath, [path.join(root, "scripts", "proof-report.mjs")]);
const figures = writeFaultsAndLoad();
console.log(
  `\nproof: e2e ${e2e === 0 ? "ok" : "FAILED"}, vitest ${unit === 0 ? "ok" : "FAILED"}, load ${load === 0 ? "ok" : "FAILED"}, report ${report === 0 && figures ? "written" : "not written"}`,
);
process.exit(e2e || unit || load || report || (figures ? 0 : 1));

/** The faults section (its intro kept here) and the load section, from faults.json and load.json. */
function writeFaultsAndLoad() {
  // One result per test file (the fragments faults.json is merged from), so the table names each suite.
  const faults = readResults(path.join(resultsDir, "faults.d")).faults ?? readResults().faults;
  if (faults) {
    const markdown = renderSection("faults", faults, FAULTS_INTRO)
      .replace(/^## faults/, "## Faults")
      .replace("`node scripts/proof-report.mjs faults`", "`node scripts/test-proof.mjs --report-only`");
    writeSection("faults", markdown);
  }
  const file = path.join(resultsDir, "load.json");
  if (fs.existsSync(file)) writeSection("load", renderLoad(JSON.parse(fs.readFileSync(file, "utf8"))));
  return Boolean(faults) && fs.existsSync(file);
}

function renderLoad({ workers, console: web }) {
  const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  const lines = ["## Load", "", LOAD_INTRO, ""];
  if (workers) {
    lines.push(
      `**Two worker processes, ${workers.promotions} promotions created at once** (\`test/proof/load/twenty-promotions.test.ts\`, ${workers.writtenAt.slice(0, 16).replace("T", " ")} UTC):`,
      "",
      "| figure | value |",
      "|---|---:|",
      `| promotions / images | ${workers.promotions} / ${workers.images}, all succeeded, attempts 1 each |`,
      `| wall time, created to all settled | ${workers.seconds} s (${workers.promotionsPerSecond} promotions/s) |`,
      `| images per worker | ${workers.imagesPerWorker.join(" / ")} |`,
      `| bytes promoted / uploaded | ${mib(workers.logicalBytes)} / ${mib(workers.bytesTransferred)} (${workers.blobUploads} blob uploads, ${workers.blobMounts} mounts) |`,
      `| manifest PUTs (one per target repository) | ${workers.manifestPuts} |`,
      `| duplicate uploads of a blob into one repository | ${workers.duplicateUploadsIntoOneRepository} |`,
      `| target 5xx answers | ${workers.targetServerErrors} |`,
      `| target digests confirmed by skopeo | ${workers.skopeoVerified} / ${workers.images} |`,
      "",
    );
  }
  if (web) {
    const o = web.overall;
    const p = web.promotions;
    lines.push(
      `**The console under load** (\`bench/load.mjs\`: production \`gantry start\`, ${o.connections} connections for ${o.seconds} s, while ${p.count} promotions of a three-image release run on its worker; ${web.writtenAt.slice(0, 16).replace("T", " ")} UTC):`,
      "",
      "| route | requests | p50 ms | p95 ms | p99 ms | non-2xx |",
      "|---|---:|---:|---:|---:|---:|",
      ...web.routes.map(
        (r) =>
          `| ${r.route} | ${r.requests} | ${r.p50Ms.toFixed(0)} | ${r.p95Ms.toFixed(0)} | ${r.p99Ms.toFixed(0)} | ${r.non2xx} |`,
      ),
      `| **all** | ${o.requests} (${o.requestsPerSecond}/s) | ${o.p50Ms.toFixed(0)} | ${o.p95Ms.toFixed(0)} | ${o.p99Ms.toFixed(0)} | ${o.non2xx} |`,
      "",
      `Errors ${o.errors}, timeouts ${o.timeouts} (30 s), slowest ${o.maxMs} ms. Promotions: ${p.succeeded}/${p.count} succeeded in ${p.seconds} s (${p.promotionsPerSecond}/s, the load ended after ${p.loadEndedAfterSeconds} s), ${p.images} images, ${mib(p.logicalBytes)} promoted, ${mib(p.bytesTransferred)} uploaded (the rest mounted from repositories the target already had).`,
    );
  }
  return lines.join("\n");
}
