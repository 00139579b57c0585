#!/usr/bin/env bash
# Promotion benchmark: the ~1.1 GB synthetic release of bench/copy.sh promoted through the
# /api/v1/promotions endpoints with one `gantry worker`, versus `bin/gantry copy` of the same
# three images (`--referrers`, as the promotion copies signatures), in the same run, each into a
# fresh local registry. Prints both wall times and the ratio (target ≤ 1.1×): the copy's from
# start to exit, the promotion's from its POST to its finishedAt, after one untimed warm-up
# promotion (the worker is a long-running service; each copy is a new process, as it is in use). The worker runs at the copy's CPU priority (GANTRY_WORKER_NICE=0;
# set GANTRY_WORKER_NICE=10 to measure the default niceness). Needs docker-registry and skopeo.
#   bench/promote.sh            one round
#   ROUNDS=3 bench/promote.sh   three rounds, alternating which goes first
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in docker-registry skopeo; do
  command -v "$tool" >/dev/null || { echo "bench/promote.sh: $tool is required" >&2; exit 2; }
done

mkdir -p bench/out
node scripts/build-node.cjs >/dev/null
node -e '
const path = require("node:path");
const common = { bundle: true, platform: "node", format: "esm", target: "node20", packages: "external", logLevel: "warning",
  // The route handlers reach next/* subpaths, which plain Node ESM resolves only with ".js".
  // No sessions here (Bearer tokens only): next-auth needs Next'"'"'s bundler.
  alias: { "@/lib/auth/get-current-user": path.join(process.cwd(), "bench/promote/no-session.ts"), "@": process.cwd(), "server-only": path.join(process.cwd(), "test/support/empty-module.ts"),
    ...Object.fromEntries(["navigation", "headers", "cache", "server"].map((m) => [`next/${m}`, `next/${m}.js`])) },
  banner: { js: "import { createRequire as __createRequire } from \"node:module\"; const require = __createRequire(import.meta.url);" } };
require("esbuild").buildSync({ ...common, entryPoints: ["bench/promote/run-bench.ts"], outfile: "bench/out/promote-bench.mjs" });'
exec node bench/out/promote-bench.mjs "$PWD"
