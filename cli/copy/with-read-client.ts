import type { Reference } from "@/lib/oci/reference";
import type { RegistryClient } from "@/lib/oci/registry-client";
import type { CliIo } from "../command";
import { parseArgs } from "../parse-args";
import { limitWasmTiering } from "./limit-wasm-tiering";
import { registryClientFor } from "./registry-client-for";
import { READ_FLAGS, singleReference } from "./registry-flags";

/**
 * What `tags` and `inspect` share: parse the read flags and one REF, open a client for its
 * registry, run `body`, and close the client whatever happens.
 */
export async function withReadClient<T>(
  argv: string[],
  io: CliIo,
  body: (args: { ref: Reference; client: RegistryClient; json: boolean }) => Promise<T>,
): Promise<T> {
  const { values, positionals } = parseArgs(argv, READ_FLAGS);
  const ref = singleReference(positionals);
  limitWasmTiering();
  const client = await registryClientFor({
    registry: ref.registry,
    creds: values.creds,
    caFile: values.ca,
    insecure: values.insecure,
    env: io.env,
  });
  try {
    return await body({ ref, client, json: Boolean(values.json) });
  } finally {
    await client.close();
  }
}
