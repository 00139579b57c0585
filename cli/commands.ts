import type { CliCommand } from "./command";
import { migrateCommand } from "./commands/migrate";
import { startCommand } from "./commands/start";
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
];
