// `npm run test:proof`: the proof suites — property and hostile-input tests, the RBAC matrix,
// SSRF (vitest), then the proof e2e specs (Playwright) — and docs/reliability.md rewritten
// from their results. Playwright empties test-results/ when it starts, so it runs first.
// Every part also runs in plain `npm test`.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const run = (command, args) => spawnSync(command, args, { cwd: root, stdio: "inherit" }).status ?? 1;

const e2eSpecs = fs.readdirSync(path.join(root, "e2e")).filter((f) => /^proof-.*\.spec\.ts$/.test(f)).map((f) => `e2e/${f}`);
const e2e = e2eSpecs.length ? run(bin("playwright"), ["test", ...e2eSpecs]) : 0;
const unit = run(bin("vitest"), ["run", "test/proof/", ".property.test.ts"]);
const report = run(process.execPath, [path.join(root, "scripts", "proof-report.mjs")]);
console.log(`\nproof: e2e ${e2e === 0 ? "ok" : "FAILED"}, vitest ${unit === 0 ? "ok" : "FAILED"}, report ${report === 0 ? "written" : "not written"}`);
process.exit(e2e || unit || report);
