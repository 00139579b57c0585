import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The folder holding package.json, prisma/ and .next/ — found from this file, not the cwd. */
export function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i += 1) {
    if (fs.existsSync(path.join(dir, "prisma", "schema.prisma")) && fs.existsSync(path.join(dir, "package.json")))
      return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
}
