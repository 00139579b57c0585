// One way to turn a TypeScript entry point of this project into plain JavaScript for Node:
// the CLI, the demo, the benchmarks and test helpers that start child processes all use it.
//   node scripts/bundle-node.cjs ENTRY.ts OUT.mjs     (from a shell script)
"use strict";
const path = require("node:path");

const root = path.join(__dirname, "..");

/**
 * esbuild options every Node bundle here shares: ESM for Node 20, npm packages left to
 * node_modules, `@/` resolved to the project, `server-only` stubbed (it only guards Next's
 * client bundles), and a `require` for CommonJS packages met from ESM.
 */
function nodeBundleOptions(extra = {}) {
  return {
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    logLevel: "warning",
    ...extra,
    alias: { "@": root, "server-only": path.join(root, "test", "support", "empty-module.ts"), ...extra.alias },
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  };
}

/** Bundles `entry` to `outfile` and stops esbuild's service (it would keep a long run alive). */
async function bundleNode(entry, outfile, extra = {}) {
  const esbuild = require("esbuild");
  await esbuild.build({ ...nodeBundleOptions(extra), entryPoints: [entry], outfile });
  await esbuild.stop();
  return outfile;
}

module.exports = { nodeBundleOptions, bundleNode, root };

if (require.main === module) {
  const [entry, outfile] = process.argv.slice(2);
  if (!entry || !outfile) {
    console.error("usage: node scripts/bundle-node.cjs ENTRY.ts OUT.mjs");
    process.exit(2);
  }
  bundleNode(path.resolve(entry), path.resolve(outfile)).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
