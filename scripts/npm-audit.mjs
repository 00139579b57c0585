// CI's dependency audit: `npm audit --omit=dev`, failing on high or critical advisories — but
// only when the registry's audit endpoint answered. A mirror without it (npm says "audit
// endpoint returned an error", e.g. 405) is reported as a warning, since nothing was checked.
import { spawnSync } from "node:child_process";

const run = spawnSync("npm", ["audit", "--omit=dev", "--json"], {
  encoding: "utf8",
  shell: process.platform === "win32",
});
let report;
try {
  report = JSON.parse(run.stdout);
} catch {
  report = null;
}
const counts = report?.metadata?.vulnerabilities;
if (!counts) {
  const why = report?.message ?? (run.stderr.trim().split("\n").at(-1) || `exit ${run.status}`);
  console.log(`warning: npm audit could not ask the registry (${why}); dependencies were not audited`);
  process.exit(0);
}
const serious = (counts.high ?? 0) + (counts.critical ?? 0);
console.log(
  `npm audit (production dependencies): ${Object.entries(counts)
    .filter(([k]) => k !== "total")
    .map(([k, v]) => `${v} ${k}`)
    .join(", ")}`,
);
if (serious > 0) {
  spawnSync("npm", ["audit", "--omit=dev", "--audit-level=high"], {
    stdio: "inherit",
    shell: process.platform === "win32",
  });
  console.log(`npm audit: ${serious} high or critical advisories in production dependencies`);
  process.exit(1);
}
