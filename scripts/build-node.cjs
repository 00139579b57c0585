// Bundles the Node entry points (the CLI, which also starts the console and the worker)
// into plain JavaScript under dist/, so nothing compiles TypeScript at run time.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { nodeBundleOptions } = require("./bundle-node.cjs");

const root = path.join(__dirname, "..");
const outdir = path.join(root, "dist");
const outfile = path.join(outdir, "gantry.mjs");
/** The web process `gantry start` runs: Next behind Gantry's own HTTP server (cli/web/serve-web.ts). */
const webOutfile = path.join(outdir, "serve-web.mjs");
const sourceDirs = ["cli", "lib", "worker", "scripts"].map((d) => path.join(root, d));

function newestSourceMtime() {
  let newest = 0;
  const walk = (dir) => {
    let entries;
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== "node_modules") walk(full);
      } else if (/\.(ts|tsx|mts|cjs|mjs|js|json)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
        newest = Math.max(newest, fs.statSync(full).mtimeMs);
      }
    }
  };
  sourceDirs.forEach(walk);
  return newest;
}

function isStale() {
  try {
    return Math.min(fs.statSync(outfile).mtimeMs, fs.statSync(webOutfile).mtimeMs) < newestSourceMtime();
  } catch {
    return true;
  }
}

function build({ quiet = false } = {}) {
  const esbuild = require("esbuild");
  const started = Date.now();
  // Commands load lazily (cli/commands.ts); splitting keeps each one's packages in its own
  // chunk, so `gantry copy` does not load Prisma, pg-boss or argon2.
  fs.rmSync(path.join(outdir, "chunks"), { recursive: true, force: true });
  esbuild.buildSync({
    ...nodeBundleOptions(),
    entryPoints: {
      gantry: path.join(root, "cli", "gantry.ts"),
      "serve-web": path.join(root, "cli", "web", "serve-web.ts"),
    },
    outdir,
    outExtension: { ".js": ".mjs" },
    chunkNames: "chunks/[name]-[hash]",
    splitting: true,
    sourcemap: "linked",
  });
  // The synchronous API leaves esbuild's service process running; a long-lived command
  // (`gantry start`) would carry it for nothing.
  esbuild.stop();
  if (!quiet) console.log(`built ${path.relative(root, outfile)} in ${Date.now() - started} ms`);
}

function ensureBuilt(options) {
  if (isStale()) build(options);
}

module.exports = { build, ensureBuilt, outfile };

if (require.main === module) build();
