import { copyImages, DEFAULT_BLOB_CONCURRENCY } from "@/lib/oci/copy-images";
import { isOciError } from "@/lib/oci/errors";
import { parsePlatform } from "@/lib/oci/platform";
import { ExitCode, UsageError, type CliCommand } from "../command";
import { mapCopyTargets } from "../copy/map-copy-targets";
import { limitWasmTiering } from "../copy/limit-wasm-tiering";
import { registryClientFor } from "../copy/registry-client-for";
import { progressRendererFor, withCliFlags } from "../copy/render-progress";
import { onShutdown } from "../on-shutdown";
import { parseArgs } from "../parse-args";

export const copyCommand: CliCommand = {
  name: "copy",
  help: `Usage: gantry copy [options] SRC... DST

Copies each SRC image (host[:port]/repo:tag or @digest; an index with all its platforms)
to DST over the registry API. With one SRC, DST is a full reference (its tag defaults to
the source's). With several, DST is a repository prefix ending in / that replaces each
source's namespace: host/vendor/api:1.2 → DSTHOST/team/api:1.2 for DST DSTHOST/team/.
Blobs the target has are skipped, blobs shared by several images move once, and running
the same copy again only finishes what is missing.

Credentials come from --src-creds/--dest-creds, else from docker's config.json
(auths, credHelpers, credsStore), else none.

Options:
  --src-creds USER:PASS    source registry credentials
  --dest-creds USER:PASS   target registry credentials
  --src-ca FILE            PEM CA certificate to trust for the source
  --dest-ca FILE           PEM CA certificate to trust for the target
  --insecure               speak plain HTTP to both registries
  --src-insecure           speak plain HTTP to the source only
  --dest-insecure          speak plain HTTP to the target only
  --platform OS/ARCH       keep only this platform of an index (repeatable); the digest changes
  --referrers              copy signatures, SBOMs and other referrers too
  --concurrency N          blob transfers at once (default ${DEFAULT_BLOB_CONCURRENCY})
  --json                   JSON lines: progress events, then one result per image

Exit status: 0 all copied, 1 an image failed or was stopped, 2 usage error.

Example:
  gantry copy quay.io/vendor/api:1.2 quay.io/vendor/engine:1.2 123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/
`,
  async run(argv, io) {
    const { values, positionals } = parseArgs(argv, {
      "src-creds": { type: "string" },
      "dest-creds": { type: "string" },
      "src-ca": { type: "string" },
      "dest-ca": { type: "string" },
      insecure: { type: "boolean" },
      "src-insecure": { type: "boolean" },
      "dest-insecure": { type: "boolean" },
      platform: { type: "string", multiple: true },
      referrers: { type: "boolean" },
      concurrency: { type: "string" },
      json: { type: "boolean" },
    });
    if (positionals.length < 2) throw new UsageError("expected SRC... DST");
    const pairs = mapCopyTargets(positionals.slice(0, -1), positionals.at(-1)!);
    const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
    if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 64)) {
      throw new UsageError("--concurrency must be a whole number from 1 to 64");
    }
    const platforms = (values.platform ?? []).map((p) => usage(() => parsePlatform(p)));
    limitWasmTiering();
    const [source, target] = await Promise.all([
      registryClientFor({
        registry: pairs[0]!.source.registry,
        side: "source",
        creds: values["src-creds"],
        caFile: values["src-ca"],
        insecure: values.insecure || values["src-insecure"],
        env: io.env,
      }),
      registryClientFor({
        registry: pairs[0]!.target.registry,
        side: "target",
        creds: values["dest-creds"],
        caFile: values["dest-ca"],
        insecure: values.insecure || values["dest-insecure"],
        env: io.env,
      }),
    ]);
    const renderer = progressRendererFor(io, Boolean(values.json));
    const controller = new AbortController();
    void onShutdown().then(() => controller.abort(new Error("interrupted")));
    try {
      const result = await copyImages({
        items: pairs,
        source,
        target,
        concurrency,
        platforms,
        referrers: values.referrers,
        signal: controller.signal,
        onProgress: (event) => renderer.onProgress(event),
      });
      renderer.finish(result.images);
      return result.ok ? ExitCode.ok : ExitCode.failed;
    } finally {
      await Promise.all([source.close(), target.close()]);
    }
  },
};

function usage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw isOciError(error) ? new UsageError(withCliFlags(error.message)) : error;
  }
}
