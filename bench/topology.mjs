// Twenty promotions across three workers against one worker, on one external Postgres (Debian's
// PostgreSQL server), with skopeo as the baseline; prints wall times.
//
//   npm run bench:topology     [BENCH_PROMOTIONS=20 BENCH_LAYER_BYTES=1048576 BENCH_BYTES_PER_SECOND=1048576]
//
// Needs the postgresql, docker-registry and skopeo packages; builds the web app if its build is stale.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const { bundleNode } = createRequire(import.meta.url)("../scripts/bundle-node.cjs");
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
// Inside the project, so the bundle's imports find node_modules.
const outfile = path.join(root, "node_modules", ".cache", "gantry-bench", `topology-${process.pid}.mjs`);
await bundleNode(path.join(root, "bench", "topology.run.ts"), outfile);
process.once("exit", () => fs.rmSync(outfile, { force: true }));
await import(pathToFileURL(outfile).href);
