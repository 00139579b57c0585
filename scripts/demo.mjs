// `npm run demo`: bundles scripts/demo/run-demo.ts (it reuses the test fixtures that start
// real registries) to plain JavaScript, then runs it. Needs docker-registry and skopeo.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createRequire } from "node:module";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
for (const tool of ["docker-registry", "skopeo"]) {
  try {
    execFileSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" });
  } catch {
    console.error(`demo: ${tool} is required (Debian: apt-get install docker-registry skopeo)`);
    process.exit(2);
  }
}
const outfile = path.join(root, "dist", "demo.mjs");
const { bundleNode } = createRequire(import.meta.url)("./bundle-node.cjs");
await bundleNode(path.join(root, "scripts", "demo", "run-demo.ts"), outfile);
await import(pathToFileURL(outfile).href).catch((error) => {
  console.error(error);
  process.exit(1);
});
