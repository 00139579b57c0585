import { listTags } from "@/lib/oci/list-tags";
import { ExitCode, type CliCommand } from "../command";
import { READ_FLAGS_HELP } from "../copy/registry-flags";
import { withReadClient } from "../copy/with-read-client";

export const tagsCommand: CliCommand = {
  name: "tags",
  help: `Usage: gantry tags [options] REF

Prints every tag of the repository in REF (host[:port]/repo; a tag on it is ignored), one
per line, following the registry's pages.

Options:
${READ_FLAGS_HELP}
`,
  run: (argv, io) =>
    withReadClient(argv, io, async ({ ref, client, json }) => {
      const tags = await listTags(client, ref.repository, { pageSize: 1000 });
      io.stdout.write(
        json
          ? `${JSON.stringify({ repository: `${ref.registry}/${ref.repository}`, tags })}\n`
          : tags.map((t) => `${t}\n`).join(""),
      );
      return ExitCode.ok;
    }),
};
