// `npm test`: typecheck, lint, unit + integration tests (vitest, real Postgres and
// registries), then end-to-end tests (Playwright, Chromium, production build).
// Prints one closing line "N passed, N failed" over every test that ran.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const out = fs.mkdtempSync(path.join(os.tmpdir(), "gantry-test-"));
const only = process.argv.slice(2);
const steps = [
  { name: "typecheck", run: () => run(bin("tsc"), ["--noEmit", "-p", "."]) },
  { name: "lint", run: () => run(bin("eslint"), ["--max-warnings=0", "."]) },
  { name: "format", run: () => run(bin("prettier"), ["--check", "--log-level=warn", "."]) },
  {
    name: "unit",
    run: () => {
      const file = path.join(out, "vitest.json");
      const code = run(bin("vitest"), ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${file}`]);
      return { code, counts: vitestCounts(file) };
    },
  },
  {
    name: "e2e",
    run: () => {
      const file = path.join(out, "playwright.json");
      const code = run(bin("playwright"), ["test", "--reporter=list,json"], { PLAYWRIGHT_JSON_OUTPUT_NAME: file });
      return { code, counts: playwrightCounts(file) };
    },
  },
].filter((step) => only.length === 0 || only.includes(step.name));

const totals = { passed: 0, failed: 0, skipped: 0 };
const summary = [];
for (const step of steps) {
  const started = Date.now();
  console.log(`\n=== ${step.name} ===`);
  const result = step.run();
  const { code, counts } = typeof result === "number" ? { code: result, counts: null } : result;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (counts) {
    totals.passed += counts.passed;
    totals.failed += counts.failed;
    totals.skipped += counts.skipped;
  } else if (code === 0) totals.passed += 1;
  else totals.failed += 1;
  // A runner that failed without reporting a failed test (a crash, a config error) still fails.
  if (code !== 0 && counts && counts.failed === 0) totals.failed += 1;
  summary.push(
    `${step.name}: ${code === 0 ? "ok" : `FAILED (exit ${code})`} in ${seconds} s${counts ? ` — ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped` : ""}`,
  );
}
fs.rmSync(out, { recursive: true, force: true });
console.log(`\n${summary.join("\n")}`);
console.log(`${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ""}`);
process.exit(totals.failed === 0 ? 0 : 1);

function run(command, args, env = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
  return result.status ?? 1;
}

function vitestCounts(file) {
  try {
    const report = JSON.parse(fs.readFileSync(file, "utf8"));
    // A failing test also fails its describe blocks and file: count suites only when no test failed (an import error).
    const suitesOnly = report.numFailedTests === 0 && (report.numFailedTestSuites ?? 0) > 0 ? 1 : 0;
    return {
      passed: report.numPassedTests,
      failed: report.numFailedTests + suitesOnly,
      skipped: report.numPendingTests + (report.numTodoTests ?? 0),
    };
  } catch {
    return null;
  }
}

function playwrightCounts(file) {
  try {
    const { stats } = JSON.parse(fs.readFileSync(file, "utf8"));
    return { passed: stats.expected, failed: stats.unexpected + stats.flaky, skipped: stats.skipped };
  } catch {
    return null;
  }
}
