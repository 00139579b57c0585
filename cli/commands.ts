import type { CliCommand } from "./command";

/** Every `gantry` subcommand, in the order `gantry --help` lists them. */
export const commands: CliCommand[] = [];
