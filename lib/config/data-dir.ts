import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/** Where the embedded database, generated keys and runtime files live. */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.GANTRY_DATA_DIR || ".gantry");
}

export function ensureDataDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
}

/**
 * Reads a generated secret from the data folder, creating it (mode 0600) on first use, so
 * the embedded default needs no configuration and keeps its keys across restarts.
 */
export function readOrCreateSecretFile(dir: string, name: string, bytes = 32): string {
  const file = path.join(dir, name);
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const value = crypto.randomBytes(bytes).toString("base64");
  // `wx` fails if another process created it meanwhile; then theirs wins.
  try {
    fs.writeFileSync(file, `${value}\n`, { mode: 0o600, flag: "wx" });
    return value;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return fs.readFileSync(file, "utf8").trim();
    throw error;
  }
}
