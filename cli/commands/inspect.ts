import { formatBytes } from "@/lib/oci/format-bytes";
import { inspectImage } from "@/lib/oci/inspect-image";
import { ExitCode, type CliCommand } from "../command";
import { limitWasmTiering } from "../copy/limit-wasm-tiering";
import { registryClientFor } from "../copy/registry-client-for";
import { READ_FLAGS, READ_FLAGS_HELP, singleReference } from "../copy/registry-flags";
import { parseArgs } from "../parse-args";

export const inspectCommand: CliCommand = {
  name: "inspect",
  help: `Usage: gantry inspect [options] REF

Reads the manifest of REF (host[:port]/repo:tag or @digest) and, for an index, each
platform's manifest; prints the digest, media type, platforms and size (manifests plus
distinct blobs, what a copy to an empty registry moves).

Options:
${READ_FLAGS_HELP}
`,
  async run(argv, io) {
    const { values, positionals } = parseArgs(argv, READ_FLAGS);
    const ref = singleReference(positionals);
    limitWasmTiering();
    const client = await registryClientFor({ registry: ref.registry, creds: values.creds, caFile: values.ca, insecure: values.insecure, env: io.env });
    try {
      const image = await inspectImage(client, ref);
      if (values.json) {
        io.stdout.write(`${JSON.stringify(image)}\n`);
        return ExitCode.ok;
      }
      const lines = [
        `Reference:  ${image.reference}`,
        `Digest:     ${image.digest}`,
        `Media type: ${image.mediaType}`,
        `Size:       ${formatBytes(image.size)} (${image.size} bytes)`,
        "Platforms:",
        ...image.platforms.map((p) => `  ${p.platform.padEnd(16)} ${p.digest}  ${formatBytes(p.size)}`),
      ];
      io.stdout.write(`${lines.join("\n")}\n`);
      return ExitCode.ok;
    } finally {
      await client.close();
    }
  },
};
