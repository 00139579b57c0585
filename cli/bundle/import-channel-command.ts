import { runChange } from "@/lib/change/run-change";
import { ExitCode, type CliIo } from "../command";
import { reportChangeFailure } from "../report-change-failure";

/**
 * `gantry bundle import FILE --channel NAME`: the bundle (verified whole first) becomes a release
 * of a bundle channel, created when there is none of that name; promotions of it read the file.
 */
export async function runImportToChannel(file: string, channel: string, io: CliIo): Promise<number> {
  const { cliCaller, withDatabase } = await import("../with-database");
  const { importBundleRelease } = await import("@/lib/bundles/import-bundle-release");
  return withDatabase(io.env, async () => {
    const result = await runChange(
      importBundleRelease,
      cliCaller(),
      { path: file, channel },
      { ip: null, userAgent: "gantry-cli" },
    );
    if (!result.ok) return reportChangeFailure(io, result);
    const { tag, channelCreated, unchanged } = result.data;
    const what = unchanged ? `release ${tag} was there already with the same digests` : `imported release ${tag}`;
    io.stdout.write(
      `${what} into ${channelCreated ? "new bundle channel" : "channel"} ${channel}; promote it from the console or /api/v1\n`,
    );
    return ExitCode.ok;
  });
}
