import { listTags } from "@/lib/oci/list-tags";
import { ExitCode, type CliCommand } from "../command";
import { limitWasmTiering } from "../copy/limit-wasm-tiering";
import { registryClientFor } from "../copy/registry-client-for";
import { READ_FLAGS, READ_FLAGS_HELP, singleReference } from "../copy/registry-flags";
import { parseArgs } from "../parse-args";

export const tagsCommand: CliCommand = {
  name: "tags",
  help: `Usage: gantry tags [options] REF

Prints every tag of the repository in REF (host[:port]/repo; a tag on it is ignored), one
per line, following the registry's pages.

Options:
${READ_FLAGS_HELP}
`,
  async run(argv, io) {
    const { values, positionals } = parseArgs(argv, READ_FLAGS);
    const ref = singleReference(positionals);
    limitWasmTiering();
    const client = await registryClientFor({ registry: ref.registry, creds: values.creds, caFile: values.ca, insecure: values.insecure, env: io.env });
    try {
      const tags = await listTags(client, ref.repository, { pageSize: 1000 });
      io.stdout.write(values.json ? `${JSON.stringify({ repository: `${ref.registry}/${ref.repository}`, tags })}\n` : tags.map((t) => `${t}\n`).join(""));
      return ExitCode.ok;
    } finally {
      await client.close();
    }
  },
};
