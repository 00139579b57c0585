import { parseArgs as nodeParseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./command";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** node:util parseArgs, with its errors turned into UsageError so the dispatcher exits 2. */
export function parseArgs<O extends Options>(argv: string[], options: O) {
  try {
    return nodeParseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}
