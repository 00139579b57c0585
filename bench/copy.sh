#!/usr/bin/env bash
# Copy benchmark: gantry copy vs skopeo copy on a synthetic ~1.1 GB release of three images,
# between local CNCF registries on 127.0.0.1. Prints cold and warm wall times, the ratios
# and peak RSS. Needs docker-registry, skopeo and /usr/bin/time (GNU time).
#   bench/copy.sh                          one round
#   ROUNDS=3 bench/copy.sh                 three rounds
#   CONCURRENCY_SWEEP="1 2 4 8" bench/copy.sh   also time gantry cold at each --concurrency
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in docker-registry skopeo /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench/copy.sh: $tool is required" >&2; exit 2; }
done

mkdir -p bench/out
node scripts/build-node.cjs >/dev/null
# The driver uses the TypeScript test fixtures, and copy-only.ts is `gantry copy` without
# the rest of the CLI: bundle both to plain JavaScript first.
node -e '
const common = { bundle: true, platform: "node", format: "esm", target: "node20", packages: "external", logLevel: "warning", alias: { "@": process.cwd() } };
const esbuild = require("esbuild");
esbuild.buildSync({ ...common, entryPoints: ["bench/copy/run-bench.ts"], outfile: "bench/out/copy-bench.mjs" });
esbuild.buildSync({ ...common, entryPoints: ["bench/copy/copy-only.ts"], outfile: "bench/out/copy-only.mjs" });'
exec node bench/out/copy-bench.mjs "$PWD"
