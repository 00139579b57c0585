import type { Readable, Writable } from "node:stream";

/** What a command gets from the process: streams, environment, whether stdout is a terminal. */
export interface CliIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  isTTY: boolean;
}

/** One `gantry <name>` subcommand. `run` resolves to the process exit code. */
export interface CliCommand {
  name: string;
  /** Full `--help` text: usage line, options, examples. */
  help: string;
  run(argv: string[], io: CliIo): Promise<number>;
}

/** Exit codes are part of the public interface: keep them stable. */
export const ExitCode = {
  ok: 0,
  /** The operation ran and failed (a copy failed, a check did not pass). */
  failed: 1,
  /** The command line was wrong: unknown option, missing argument, bad value. */
  usage: 2,
} as const;

/** A command-line mistake; the dispatcher prints it with the command's usage and exits 2. */
export class UsageError extends Error {
  override name = "UsageError";
}
