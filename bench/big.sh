#!/usr/bin/env bash
# Big-release benchmark: `gantry copy` of a ~10 GB release with a 4 GiB layer between local
# CNCF registries; prints wall time, the CLI's peak RSS and whether progress moved every
# second. Needs docker-registry, skopeo, /usr/bin/time and ~25 GB free under $TMPDIR (/tmp).
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in docker-registry skopeo /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench/big.sh: $tool is required" >&2; exit 2; }
done
mkdir -p bench/out
node scripts/build-node.cjs >/dev/null
node scripts/bundle-node.cjs bench/big/run-bench.ts bench/out/big-bench.mjs
exec node bench/out/big-bench.mjs "$PWD"
