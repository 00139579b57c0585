// After `npm ci`: generate the Prisma client and bundle the CLI, so `npm start` and
// `bin/gantry` work straight away.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const generate = spawnSync(process.execPath, [path.join(here, "prisma-generate.mjs")], { stdio: "inherit" });
if (generate.status !== 0) process.exit(generate.status ?? 1);
createRequire(import.meta.url)(path.join(here, "build-node.cjs")).build();
