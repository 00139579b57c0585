// Time signature verification adds to a sync and to a plan of a three-component release (goal:
// at most 200 ms), for a keys policy and a keyless one (certificate, log entry, trusted root),
// against a real registry on 127.0.0.1; skopeo reading the same signature manifests for scale.
//
//   npm run bench:signatures [-- 20]
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { spawnSync } from "node:child_process";

const { bundleNode } = createRequire(import.meta.url)("../scripts/bundle-node.cjs");
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const outfile = path.join(root, "bench", "out", "signatures.mjs");
await bundleNode(path.join(root, "bench", "signatures.run.ts"), outfile);
const run = spawnSync(process.execPath, [fileURLToPath(pathToFileURL(outfile)), ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
});
process.exit(run.status ?? 1);
