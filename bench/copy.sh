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
node scripts/bundle-node.cjs bench/copy/run-bench.ts bench/out/copy-bench.mjs
node scripts/bundle-node.cjs bench/copy/copy-only.ts bench/out/copy-only.mjs
exec node bench/out/copy-bench.mjs "$PWD"
