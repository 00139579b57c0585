import { importBundle } from "@/lib/oci/layout/import-bundle";
import { openBundle } from "@/lib/oci/layout/read-bundle";
import { checkBundleSignature } from "@/lib/oci/layout/sign-bundle";
import { ExitCode, UsageError, type CliIo } from "../command";
import { limitWasmTiering } from "../copy/limit-wasm-tiering";
import { mapCopyTargets } from "../copy/map-copy-targets";
import { registryClientFor } from "../copy/registry-client-for";
import { progressRendererFor } from "../copy/render-progress";
import { onShutdown } from "../on-shutdown";
import { parseArgs } from "../parse-args";
import { readKey } from "./export-command";
import { runImportToChannel } from "./import-channel-command";

export const IMPORT_HELP = `  gantry bundle import FILE --channel NAME
    Verifies FILE whole, then records it as a release of the bundle channel NAME (created
    when missing) in Gantry's database; promote it like any release. The file stays where it
    is: promotions read its blobs by offset.
  gantry bundle import [options] FILE DST
    Pushes every image of FILE (or FILE.001, FILE.002…) into a registry, blobs read straight
    from the file. DST is a repository prefix as for gantry copy: host/team/ puts vendor/api:1.2
    at host/team/api:1.2 (one image: DST may be a full reference). Blobs the target has are
    skipped, so an interrupted import run again finishes what is missing.
    --dest-creds USER:PASS  target registry credentials (default: docker's config.json)
    --dest-ca FILE          PEM CA certificate to trust for the target
    --insecure              speak plain HTTP to the target
    --trust-key FILE        refuse a bundle not signed by this public key (PEM); default
                            GANTRY_BUNDLE_TRUST_KEY, a path, when set
    --concurrency N         blob uploads at once (default 4)
    --json                  JSON lines: progress events, then one result per image`;

export async function runImport(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs(argv, {
    "dest-creds": { type: "string" },
    "dest-ca": { type: "string" },
    insecure: { type: "boolean" },
    "trust-key": { type: "string" },
    concurrency: { type: "string" },
    json: { type: "boolean" },
    channel: { type: "string" },
  });
  const trustKey = values["trust-key"] ?? io.env.GANTRY_BUNDLE_TRUST_KEY;
  if (values.channel !== undefined) {
    if (positionals.length !== 1) throw new UsageError("expected FILE --channel NAME");
    if (trustKey) checkBundleSignature(await openBundle(positionals[0]!), await readKey(trustKey));
    return runImportToChannel(positionals[0]!, values.channel, io);
  }
  if (positionals.length !== 2) throw new UsageError("expected FILE DST");
  const [file, destination] = positionals as [string, string];
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 64)) {
    throw new UsageError("--concurrency must be a whole number from 1 to 64");
  }
  const bundle = await openBundle(file);
  if (trustKey) checkBundleSignature(bundle, await readKey(trustKey));
  const names = bundle.manifest.components.map((c) => c.name);
  const pairs = mapCopyTargets(names, destination);
  limitWasmTiering();
  const target = await registryClientFor({
    registry: pairs[0]!.target.registry,
    side: "target",
    creds: values["dest-creds"],
    caFile: values["dest-ca"],
    insecure: values.insecure,
    env: io.env,
  });
  const renderer = progressRendererFor(io, Boolean(values.json));
  const controller = new AbortController();
  void onShutdown().then(() => controller.abort(new Error("interrupted")));
  try {
    const result = await importBundle({
      bundle,
      target,
      targets: pairs.map((pair, i) => ({ name: names[i]!, target: pair.target })),
      concurrency,
      signal: controller.signal,
      onProgress: (event) => renderer.onProgress(event),
    });
    renderer.finish(result.images);
    return result.ok ? ExitCode.ok : ExitCode.failed;
  } finally {
    await target.close();
  }
}
