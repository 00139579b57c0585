import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/** Inputs of `next build`: a change to any of them makes the build stale. */
const inputs = [
  "app",
  "components",
  "lib",
  "public",
  "next.config.js",
  "postcss.config.mjs",
  "package-lock.json",
  "tsconfig.json",
  "instrumentation.ts",
];
const stampFile = path.join(".next", "gantry-build-stamp");

/** A fingerprint of the build inputs (paths, sizes, modification times). */
export function buildFingerprint(root: string): string {
  const hash = crypto.createHash("sha256");
  const visit = (relative: string) => {
    const full = path.join(root, relative);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(full);
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      for (const entry of fs.readdirSync(full).sort()) {
        if (entry !== "node_modules" && entry !== "generated" && !entry.endsWith(".test.ts"))
          visit(path.join(relative, entry));
      }
      return;
    }
    hash.update(`${relative}\0${stat.size}\0${stat.mtimeMs}\n`);
  };
  inputs.forEach(visit);
  return hash.digest("hex");
}

export function isBuildCurrent(root: string): boolean {
  if (!fs.existsSync(path.join(root, ".next", "BUILD_ID"))) return false;
  try {
    return fs.readFileSync(path.join(root, stampFile), "utf8") === buildFingerprint(root);
  } catch {
    return false;
  }
}

export function writeBuildStamp(root: string, fingerprint: string): void {
  fs.writeFileSync(path.join(root, stampFile), fingerprint);
}
