import { formatBytes } from "@/lib/oci/format-bytes";
import { inspectImage } from "@/lib/oci/inspect-image";
import { ExitCode, type CliCommand } from "../command";
import { READ_FLAGS_HELP } from "../copy/registry-flags";
import { withReadClient } from "../copy/with-read-client";

export const inspectCommand: CliCommand = {
  name: "inspect",
  help: `Usage: gantry inspect [options] REF

Reads the manifest of REF (host[:port]/repo:tag or @digest) and, for an index, each
platform's manifest; prints the digest, media type, platforms and size (manifests plus
distinct blobs, what a copy to an empty registry moves).

Options:
${READ_FLAGS_HELP}
`,
  run: (argv, io) =>
    withReadClient(argv, io, async ({ ref, client, json }) => {
      const image = await inspectImage(client, ref);
      if (json) {
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
    }),
};
