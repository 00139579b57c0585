import "server-only";
import path from "node:path";
import { UserError } from "@/lib/change/errors";
import { dataDir } from "@/lib/config/data-dir";

/** Where the console finds bundles to import and writes the bundles it exports: GANTRY_BUNDLE_DIR, else <data dir>/bundles. */
export function bundleDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.GANTRY_BUNDLE_DIR || path.join(dataDir(env), "bundles"));
}

/**
 * A file of the bundle folder by its name: a name with a separator, `..`, or anything that
 * resolves outside the folder is refused, so no request reaches another file of the machine.
 */
export function bundleFilePath(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const dir = bundleDir(env);
  const resolved = path.resolve(dir, name);
  if (!name || /[/\\\0]/.test(name) || name === "." || name === ".." || path.dirname(resolved) !== dir)
    throw new UserError("file: expected the name of a file in the bundle folder", "file", 400);
  return resolved;
}
