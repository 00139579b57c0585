// `gantry copy` without the rest of the CLI: the same command module in a bundle of its own,
// so the benchmark can tell the copy engine's cost from bin/gantry's start-up (which loads
// every command's dependencies: Prisma, pg, pg-boss, …).
import { copyCommand } from "../../cli/commands/copy";

const code = await copyCommand.run(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  isTTY: false,
});
process.exit(code);
