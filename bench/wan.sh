#!/usr/bin/env bash
# WAN benchmark: gantry copy vs skopeo copy of a ~1.1 GB release (one 524 MB layer) through
# a userspace proxy adding latency and bandwidth caps (bench/wan/wan-proxy.ts) in front of
# source and target CNCF registries. RTT 50 and 100 ms, 400 Mbit/s per connection, 1 Gbit/s
# in total; three rounds each. Needs docker-registry and skopeo.
#   bench/wan.sh                 ROUNDS=1 RTTS=50 bench/wan.sh   (a quicker look)
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in docker-registry skopeo; do
  command -v "$tool" >/dev/null || { echo "bench/wan.sh: $tool is required" >&2; exit 2; }
done
mkdir -p bench/out
node scripts/build-node.cjs >/dev/null
node scripts/bundle-node.cjs bench/wan/run-bench.ts bench/out/wan-bench.mjs
exec node bench/out/wan-bench.mjs "$PWD"
