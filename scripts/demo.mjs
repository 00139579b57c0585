// `npm run demo`: bundles scripts/demo/run-demo.ts (it reuses the test fixtures that start
// real registries) to plain JavaScript, then runs it. Needs docker-registry and skopeo.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createRequire } from "node:module";

const usage = `Usage: npm run demo [-- --help]

The whole flow on this machine: two real CNCF registries on 127.0.0.1 (a vendor's with
Basic auth, holding a three-component product in three releases, and an empty private one),
then Gantry on a fresh demo data folder with both connected and the channel synced. It
prints the console's URL and sign-in, the vendor's password, and a ready \`bin/gantry copy\`
line against the same registries. Ctrl-C stops everything. Needs docker-registry and skopeo.

Options:
  -h, --help               print this and exit

Environment:
  PORT                     the console's port (default 3000)
  GANTRY_DEMO_DATA_DIR     the demo's data folder, emptied at every start (default ./.gantry-demo)
  GANTRY_DEMO_PASSWORD     the admin's password (default gantry-demo-password; admin@demo.local)

Standard output carries the console's JSON log lines; the demo's own lines go to standard error.
`;
if (process.argv.slice(2).some((arg) => arg === "--help" || arg === "-h")) {
  process.stdout.write(usage);
  process.exit(0);
}
if (process.argv.length > 2) {
  process.stderr.write(`demo: unknown argument ${process.argv[2]}\n\n${usage}`);
  process.exit(2);
}

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
