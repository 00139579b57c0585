#!/usr/bin/env bash
# Bundle benchmark: `gantry bundle export` and `gantry bundle import` of a synthetic ~1.1 GB
# release (three images, one 524 MB layer, random bytes) against `skopeo copy` to and from
# `oci-archive:` in the same run, between local CNCF registries on 127.0.0.1. Prints wall
# times, the ratios (goal ≤ 0.9× each way) and peak RSS (goal ≤ 150 MB, GNU time).
#   npm run bench:bundle          one round
#   ROUNDS=3 npm run bench:bundle three rounds, alternating which tool goes first
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in docker-registry skopeo /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench/bundle.sh: $tool is required" >&2; exit 2; }
done

mkdir -p bench/out
node scripts/build-node.cjs >/dev/null
node scripts/bundle-node.cjs bench/bundle/run-bench.ts bench/out/bundle-bench.mjs
exec node bench/out/bundle-bench.mjs "$PWD"
