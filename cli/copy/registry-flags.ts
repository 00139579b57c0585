import { parseReference, type Reference } from "@/lib/oci/reference";
import { UsageError } from "../command";

/** Flags shared by the commands that read one registry (`tags`, `inspect`). */
export const READ_FLAGS = {
  creds: { type: "string" },
  ca: { type: "string" },
  insecure: { type: "boolean" },
  json: { type: "boolean" },
} as const;

export const READ_FLAGS_HELP = `  --creds USER:PASS   registry credentials (default: docker's config.json, else none)
  --ca FILE           PEM CA certificate to trust for the registry
  --insecure          speak plain HTTP to the registry
  --json              print JSON`;

/** Exactly one REF positional, parsed. */
export function singleReference(positionals: string[]): Reference {
  if (positionals.length !== 1) throw new UsageError("expected exactly one REF");
  try {
    return parseReference(positionals[0]!);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
