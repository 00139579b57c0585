import fs from "node:fs";
import path from "node:path";
import { projectRoot } from "../project-root";

/** The version in package.json, recorded in every bundle's manifest. */
export function packageVersion(): string {
  try {
    const json = JSON.parse(fs.readFileSync(path.join(projectRoot(), "package.json"), "utf8")) as { version?: string };
    return json.version ?? "unknown";
  } catch {
    return "unknown";
  }
}
