import { readFile } from "node:fs/promises";
import { formatBytes } from "@/lib/oci/format-bytes";
import { exportBundle } from "@/lib/oci/layout/export-bundle";
import { openBundle } from "@/lib/oci/layout/read-bundle";
import { manifestSigner } from "@/lib/oci/layout/sign-bundle";
import { parseReference, type Reference } from "@/lib/oci/reference";
import type { RegistryClient } from "@/lib/oci/registry-client";
import { ExitCode, UsageError, type CliIo } from "../command";
import { limitWasmTiering } from "../copy/limit-wasm-tiering";
import { registryClientFor } from "../copy/registry-client-for";
import { terminalRenderer } from "../copy/render-progress";
import { onShutdown } from "../on-shutdown";
import { parseArgs } from "../parse-args";
import { packageVersion } from "./package-version";
import { parsePartSize } from "./parse-size";

export const EXPORT_HELP = `  gantry bundle export [options] -o FILE SRC...
  gantry bundle export [options] --channel NAME --release TAG -o FILE
    Writes SRC images (host[:port]/repo:tag, all on one registry), or the images of a stored
    release (pinned by the digests its channel discovered, read with the channel's source
    connection) into FILE: an OCI image layout in a tar, each image named by its repository
    and tag (vendor/api:1.2), plus gantry-bundle.json and checksums.sha256. Blobs shared by
    images are stored once.
    Interrupted, run the same command again: it keeps what was written and verified.
    --src-creds USER:PASS   source registry credentials (default: docker's config.json)
    --src-ca FILE           PEM CA certificate to trust for the source
    --insecure              speak plain HTTP to the source
    --referrers             include signatures, SBOMs and attestations: OCI referrers and cosign's
                            sha256-<hex>.sig/.att/.sbom tags (both, as gantry copy --referrers)
    --since BUNDLE          differential: leave out blobs BUNDLE carried (the target must have it)
    --part-size SIZE        split into FILE.001, FILE.002… of SIZE (4G, 700M; FAT32 needs under 4G)
    --sign-key FILE         sign gantry-bundle.json with this Ed25519 or ECDSA private key (PEM)
    --product NAME          product name recorded in gantry-bundle.json
    --json                  JSON lines: progress events, then the result
    SOURCE_DATE_EPOCH (seconds) fixes the creation time, for byte-identical bundles.`;

export async function runExport(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs(argv, {
    output: { type: "string", short: "o" },
    "src-creds": { type: "string" },
    "src-ca": { type: "string" },
    insecure: { type: "boolean" },
    referrers: { type: "boolean" },
    since: { type: "string" },
    "part-size": { type: "string" },
    "sign-key": { type: "string" },
    product: { type: "string" },
    channel: { type: "string" },
    release: { type: "string" },
    json: { type: "boolean" },
  });
  if (!values.output) throw new UsageError("expected -o FILE");
  if (values.channel !== undefined || values.release !== undefined) {
    if (!values.channel || !values.release) throw new UsageError("--channel and --release go together");
    if (positionals.length > 0 || values["src-creds"] || values.insecure)
      throw new UsageError("--channel reads the release's images and credentials from the database: give no SRC");
    const { channel, release } = values as { channel: string; release: string };
    const { withDatabase } = await import("../with-database");
    const { openReleaseExport } = await import("@/lib/releases/open-release-export");
    limitWasmTiering();
    return withDatabase(io.env, async () => {
      const opened = await openReleaseExport({ channel, release });
      try {
        return await writeBundle(values, opened.items, opened.source, io, { channel, release });
      } finally {
        await opened.close();
      }
    });
  }
  if (positionals.length === 0) throw new UsageError("expected at least one SRC (or --channel and --release)");
  const items = positionals.map(parseSource);
  if (new Set(items.map((i) => i.registry)).size > 1) throw new UsageError("all sources must be on one registry");
  limitWasmTiering();
  const source = await registryClientFor({
    registry: items[0]!.registry,
    side: "source",
    creds: values["src-creds"],
    caFile: values["src-ca"],
    insecure: values.insecure,
    env: io.env,
  });
  try {
    return await writeBundle(values, items, source, io, {});
  } finally {
    await source.close();
  }
}

interface ExportFlags {
  output?: string;
  referrers?: boolean;
  since?: string;
  "part-size"?: string;
  "sign-key"?: string;
  product?: string;
  json?: boolean;
}

async function writeBundle(
  values: ExportFlags,
  items: Reference[],
  source: RegistryClient,
  io: CliIo,
  info: { channel?: string; release?: string },
): Promise<number> {
  const names = items.map((i) => `${i.repository}:${i.tag ?? i.digest ?? "latest"}`);
  if (new Set(names).size !== names.length) throw new UsageError("two sources have the same repository and tag");
  const partSize = values["part-size"] === undefined ? undefined : parsePartSize(values["part-size"]);
  const sign = values["sign-key"] ? manifestSigner(await readKey(values["sign-key"])) : undefined;
  const since = values.since ? await openBundle(values.since) : undefined;
  const epoch = io.env.SOURCE_DATE_EPOCH;
  const createdAt = epoch && /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000) : undefined;
  const bar = io.isTTY && !values.json ? terminalRenderer(io.stdout) : undefined;
  const controller = new AbortController();
  void onShutdown().then(() => controller.abort(new Error("interrupted")));
  let lastJson = 0;
  try {
    const result = await exportBundle({
      source,
      items,
      output: values.output!,
      referrers: values.referrers,
      since,
      partSize,
      sign,
      createdAt,
      info: { gantryVersion: packageVersion(), product: values.product ?? null, ...info },
      signal: controller.signal,
      onProgress: (p) => {
        const event = {
          type: "image" as const,
          imageIndex: 0,
          source: names.join(", "),
          target: values.output!,
          state: "transferring" as const,
          bytesDone: p.bytesDone,
          bytesTotal: p.bytesTotal,
          blobsDone: p.entriesDone,
          blobsTotal: p.entriesTotal,
        };
        bar?.onProgress(event);
        if (values.json && (Date.now() - lastJson > 200 || p.entriesDone === p.entriesTotal)) {
          lastJson = Date.now();
          io.stdout.write(`${JSON.stringify(event)}\n`);
        }
      },
    });
    const { manifest } = result;
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ type: "result", status: "exported", ...result })}\n`);
      return ExitCode.ok;
    }
    const lines = [
      `exported ${manifest.components.length} image(s) to ${result.files.join(", ")}: ${formatBytes(result.size)}, ${manifest.blobs.count} blobs`,
      ...manifest.components.map((c) => `  ${c.name}@${c.digest} (${formatBytes(c.size)}) from ${c.source}`),
    ];
    if (result.resumedBytes > 0)
      lines.push(`  resumed: ${formatBytes(result.resumedBytes)} kept from the interrupted run`);
    if (manifest.base) {
      const whole = result.size + result.omittedBytes;
      lines.push(
        `  differential on ${values.since}: ${manifest.omitted.length} blobs (${formatBytes(result.omittedBytes)}) left out, ` +
          `${Math.round((100 * result.omittedBytes) / whole)}% smaller than a full bundle`,
      );
    }
    io.stdout.write(`${lines.join("\n")}\n`);
    return ExitCode.ok;
  } catch (error) {
    if (controller.signal.aborted) {
      io.stderr.write(`gantry bundle export: stopped; run the same command again to resume\n`);
      return ExitCode.failed;
    }
    throw error;
  }
}

function parseSource(text: string): Reference {
  try {
    const ref = parseReference(text);
    if (!ref.tag && !ref.digest) return { ...ref, tag: "latest" };
    return ref;
  } catch (error) {
    throw new UsageError(`SRC: ${(error as Error).message}`);
  }
}

export async function readKey(file: string): Promise<string> {
  return readFile(file, "utf8").catch((error: Error) => {
    throw new UsageError(`cannot read key file ${file}: ${error.message}`);
  });
}
