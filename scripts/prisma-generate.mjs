// Generates the Prisma client into lib/db/generated.
//
// The Prisma CLI checks for its native schema-engine binary on every command and tries to
// download it, even for `generate`, which never runs it. Machines that only reach the npm
// registry can't download it, so we point the check at an existing file; Gantry's own
// migrations run through the WebAssembly schema engine instead (lib/db/migrate.ts).
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const prisma = path.join(root, "node_modules", "prisma", "build", "index.js");
const result = spawnSync(process.execPath, [prisma, "generate"], {
  cwd: root,
  stdio: ["ignore", "inherit", "inherit"],
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
  },
});
process.exit(result.status ?? 1);
