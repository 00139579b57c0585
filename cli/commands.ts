import type { CliCommand } from "./command";
import { auditCommand } from "./commands/audit";
import { copyCommand } from "./commands/copy";
import { inspectCommand } from "./commands/inspect";
import { migrateCommand } from "./commands/migrate";
import { secretsCommand } from "./commands/secrets";
import { startCommand } from "./commands/start";
import { tagsCommand } from "./commands/tags";
import { tokensCommand } from "./commands/tokens";
import { usersCommand } from "./commands/users";
import { workerCommand } from "./commands/worker";

/** Every `gantry` subcommand, in the order `gantry --help` lists them. */
export const commands: CliCommand[] = [
  startCommand,
  workerCommand,
  migrateCommand,
  usersCommand,
  tokensCommand,
  secretsCommand,
  auditCommand,
  copyCommand,
  tagsCommand,
  inspectCommand,
];
