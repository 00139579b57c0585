import { ExitCode, type CliIo } from "./command";

/** Prints a refused change the way the console would show it, and picks the exit code. */
export function reportChangeFailure(
  io: CliIo,
  result: { error: string; status: number; fieldErrors?: Record<string, string> },
): number {
  io.stderr.write(`error: ${result.error}\n`);
  return result.status === 400 ? ExitCode.usage : ExitCode.failed;
}
