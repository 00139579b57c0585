#!/usr/bin/env bash
# WAN benchmark: gantry copy vs skopeo copy of a ~1.1 GB release (one 524 MB layer) through
# a userspace proxy adding latency and bandwidth caps (bench/wan/wan-proxy.ts) in front of
# source and target CNCF registries. RTT 50 and 100 ms, 400 Mbit/s per connection, 1 Gbit/s
# in total; three rounds each. Needs docker-registry and skopeo. Prints per RTT each round
# (with the load average), the medians, gantry/skopeo and gantry/link bound, requests per blob
# (HEAD/GET/POST/PATCH/PUT) for each tool, and the largest blob's timeline.
#   npm run bench:wan            (= bash bench/wan.sh; run it under `flock -x /work/bench.lock`)
# Options (environment):
#   ROUNDS=3                     rounds per RTT
#   RTTS="50 100"                round-trip times in ms
#   TOOLS="gantry skopeo"        which to run; gantry@<dir> runs another build's dist/ (cp -r dist
#                                bench/out/base-dist first) beside this one, to compare two builds
#   GANTRY_ARGS="--concurrency 8"  extra `gantry copy` arguments
#   REQUESTS=1                   also print every request of each tool's median round
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in docker-registry skopeo; do
  command -v "$tool" >/dev/null || { echo "bench/wan.sh: $tool is required" >&2; exit 2; }
done
mkdir -p bench/out
node scripts/build-node.cjs >/dev/null
node scripts/bundle-node.cjs bench/wan/run-bench.ts bench/out/wan-bench.mjs
exec node bench/out/wan-bench.mjs "$PWD"
