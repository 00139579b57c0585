import { createHash } from "node:crypto";
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { pipeline } from "node:stream";
import { createDigestVerifier, type Digest } from "../digest";
import { isOciError } from "../errors";
import type { RegistryClient } from "../registry-client";
import { openBlob } from "../remote-blob";
import { toNetworkError } from "../transport/http-agent";
import { withRetry } from "../transport/retry";
import { BundleFiles, PartWriter, stagingFiles } from "./bundle-files";
import type { GantryManifest } from "./bundle-format";
import { planBundle, type BundlePlan, type PlanBundleOptions, type PlannedEntry } from "./plan-bundle";
import { END_OF_ARCHIVE, paddingOf } from "./tar-header";

export interface ExportBundleOptions extends Omit<PlanBundleOptions, "createdAt" | "sign"> {
  /** The bundle file; with partSize, parts `output.001`, `.002`… */
  output: string;
  /** Default now. A resumed export keeps the time of the run it continues. */
  createdAt?: Date;
  sign?: (bytes: Buffer) => Buffer;
  onProgress?: (progress: ExportProgress) => void;
}

export interface ExportProgress {
  bytesDone: number;
  bytesTotal: number;
  entriesDone: number;
  entriesTotal: number;
}

export interface ExportResult {
  files: string[];
  manifest: GantryManifest;
  size: number;
  /** Bytes an interrupted earlier run had written and verified, kept as they were. */
  resumedBytes: number;
  /** Bytes of blobs left out because the base bundle carried them. */
  omittedBytes: number;
}

interface ExportState {
  planDigest: Digest;
  createdAt: string;
  manifestDigest: Digest;
  signature?: string;
  /** Entries written whole. */
  done: number;
}

/**
 * Writes a bundle (see plan-bundle.ts), resumably: a sidecar `output.export.json` records the
 * plan and each entry once written whole; run again with the same sources, an interrupted
 * export re-reads what it kept, checks every byte against the plan, and goes on from the first
 * entry it cannot vouch for. The files carry `.partial` names until the end-of-archive is down.
 */
export async function exportBundle(options: ExportBundleOptions): Promise<ExportResult> {
  const statePath = `${options.output}.export.json`;
  const earlier = await readState(statePath);
  const createdAt = earlier ? new Date(earlier.createdAt) : (options.createdAt ?? new Date());
  const sign = options.sign;
  const plan = await planBundle({
    ...options,
    createdAt,
    sign:
      sign &&
      ((bytes) => {
        const manifestDigest = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
        // ECDSA signatures differ each time: a resumed export keeps the one its bytes already hold.
        if (earlier?.signature && earlier.manifestDigest === manifestDigest)
          return Buffer.from(earlier.signature, "base64");
        return sign(bytes);
      }),
  });
  const done = earlier?.planDigest === plan.digest ? await verifiedPrefix(plan, earlier.done, options) : 0;
  const resumedBytes = offsetOf(plan, done);
  const writer = await PartWriter.open({ path: options.output, partSize: options.partSize, at: resumedBytes });
  const state: ExportState = {
    planDigest: plan.digest,
    createdAt: plan.manifest.createdAt,
    manifestDigest: `sha256:${createHash("sha256").update(plan.manifestBytes).digest("hex")}`,
    ...(plan.signature ? { signature: plan.signature.toString("base64") } : {}),
    done,
  };
  await saveState(statePath, state);
  const report = (entriesDone: number) =>
    options.onProgress?.({
      bytesDone: writer.offset,
      bytesTotal: plan.size,
      entriesDone,
      entriesTotal: plan.entries.length,
    });
  try {
    for (let i = done; i < plan.entries.length; i++) {
      const entry = plan.entries[i]!;
      await writer.write(entry.header);
      if (entry.content) await writer.write(entry.content);
      else if (entry.blob) await writeBlob(writer, entry, options, () => report(i));
      await writer.write(Buffer.alloc(paddingOf(entry.size)));
      // Small entries are recorded together; each blob as soon as it is down.
      if (entry.blob || i === plan.entries.length - 1) {
        await writer.flush();
        await saveState(statePath, { ...state, done: i + 1 });
      }
      report(i + 1);
    }
    await writer.write(END_OF_ARCHIVE);
    const files = await writer.finish();
    await rm(statePath, { force: true });
    const omittedBytes = plan.manifest.omitted.reduce((n, o) => n + o.size, 0);
    return { files, manifest: plan.manifest, size: plan.size, resumedBytes, omittedBytes };
  } finally {
    await writer.close().catch(() => undefined);
  }
}

async function writeBlob(writer: PartWriter, entry: PlannedEntry, options: ExportBundleOptions, onBytes: () => void) {
  const { repository, descriptor } = entry.blob!;
  const { source, signal } = options;
  const start = writer.offset;
  await withRetry(
    async (attempt) => {
      if (attempt > 0) await writer.cut(start);
      const body = await openBlob({ client: source, repository, signal }, descriptor);
      const verifier = createDigestVerifier({ digest: descriptor.digest, size: descriptor.size, side: source.side });
      let cause: unknown;
      body.on(
        "error",
        (error) =>
          (cause ??= toNetworkError(error, blobRequest(source, repository, descriptor.digest, signal), source.side)),
      );
      pipeline(body, verifier, () => undefined);
      let since = 0;
      try {
        for await (const chunk of verifier as AsyncIterable<Buffer>) {
          await writer.write(chunk);
          since += chunk.length;
          if (since >= 4 * 1024 * 1024) {
            since = 0;
            onBytes();
          }
        }
      } catch (error) {
        throw source.scrub(isOciError(error) ? error : (cause ?? error));
      }
    },
    { policy: source.retry, signal },
  );
}

/** How many of the first `claimed` entries the staging files hold exactly as planned. */
async function verifiedPrefix(plan: BundlePlan, claimed: number, options: ExportBundleOptions): Promise<number> {
  const end = offsetOf(plan, claimed);
  const files = await BundleFiles.ofFiles(options.output, stagingFiles(options.output, options.partSize, end));
  if (files.size < end) return 0;
  for (let i = 0; i < claimed; i++) {
    const entry = plan.entries[i]!;
    const header = await files.read(entry.offset, entry.header.length);
    if (!header.equals(entry.header)) return i;
    if (!entry.digest) continue;
    const hash = createHash("sha256");
    for await (const chunk of files.stream(entry.offset + entry.header.length, entry.size))
      hash.update(chunk as Buffer);
    if (`sha256:${hash.digest("hex")}` !== entry.digest) return i;
  }
  return claimed;
}

/** Where entry `index` starts; past the last entry, where the end-of-archive goes. */
function offsetOf(plan: BundlePlan, index: number): number {
  return plan.entries[index]?.offset ?? plan.size - END_OF_ARCHIVE.length;
}

async function readState(path: string): Promise<ExportState | undefined> {
  try {
    const state = JSON.parse(await readFile(path, "utf8")) as ExportState;
    return typeof state.planDigest === "string" && Number.isInteger(state.done) ? state : undefined;
  } catch {
    return undefined;
  }
}

async function saveState(path: string, state: ExportState): Promise<void> {
  await writeFile(`${path}.tmp`, JSON.stringify(state));
  await rename(`${path}.tmp`, path);
}

function blobRequest(source: RegistryClient, repository: string, digest: string, signal?: AbortSignal) {
  return { method: "GET", url: new URL(`/v2/${repository}/blobs/${digest}`, `https://${source.registry}`), signal };
}
