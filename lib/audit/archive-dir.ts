import path from "node:path";
import { dataDir } from "@/lib/config/data-dir";

/** Where retention writes its archives: GANTRY_AUDIT_ARCHIVE_DIR, else <data folder>/audit-archive. */
export function auditArchiveDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.GANTRY_AUDIT_ARCHIVE_DIR || path.join(dataDir(env), "audit-archive"));
}
