import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { digestOf, isDigest, type Digest } from "../digest";
import type { Descriptor } from "../manifest";
import { BundleFiles } from "./bundle-files";
import { blobPath, BundleError, BundlePath, parseGantryManifest, REF_NAME, type GantryManifest } from "./bundle-format";
import { BLOCK, decodeHeader, paddingOf, parsePax } from "./tar-header";

export interface TarEntry {
  name: string;
  /** Where the content starts in the bundle. */
  offset: number;
  size: number;
  typeflag: string;
}

export interface OpenedBundle {
  files: BundleFiles;
  entries: Map<string, TarEntry>;
  manifest: GantryManifest;
  manifestBytes: Buffer;
  /** sha256 of gantry-bundle.json: what a differential bundle names as its base. */
  manifestDigest: Digest;
  signature?: Buffer;
  /** index.json's manifests: components (with ref.name) and their referrers. */
  index: Descriptor[];
}

const MAX_METADATA_BYTES = 16 * 1024 * 1024;

/** Lists a tar's entries by reading only their headers (a seek past each content). */
export async function listTarEntries(files: BundleFiles): Promise<TarEntry[]> {
  const entries: TarEntry[] = [];
  let pax: Record<string, string> = {};
  let longName: string | undefined;
  for (let at = 0; ;) {
    if (at >= files.size)
      throw new BundleError(`${files.path} ends without the end-of-archive blocks: it is cut short`);
    const header = decodeHeader(await files.read(at, BLOCK));
    if (header.kind === "end") return entries;
    if (header.kind === "invalid") throw new BundleError(`${files.path}: at byte ${at}, ${header.why}`);
    const size = pax.size !== undefined ? Number(pax.size) : header.size;
    const offset = at + BLOCK;
    if (offset + size > files.size) {
      throw new BundleError(`${files.path} is cut short inside ${header.name} (${files.partCount} part(s) found)`);
    }
    at = offset + size + paddingOf(size);
    if (header.typeflag === "x") pax = parsePax(await files.read(offset, Math.min(size, MAX_METADATA_BYTES)));
    else if (header.typeflag === "L") longName = (await files.read(offset, size)).toString("utf8").replace(/\0+$/, "");
    else if (header.typeflag !== "g") {
      entries.push({ name: normalize(pax.path ?? longName ?? header.name), offset, size, typeflag: header.typeflag });
      pax = {};
      longName = undefined;
    }
  }
}

/** Opens a bundle (one file or its parts) and reads its metadata; blobs stay where they are. */
export async function openBundle(path: string): Promise<OpenedBundle> {
  const files = await BundleFiles.open(path);
  const entries = new Map((await listTarEntries(files)).map((e) => [e.name, e]));
  const read = async (name: string) => {
    const entry = entries.get(name);
    if (!entry) return undefined;
    if (entry.size > MAX_METADATA_BYTES) throw new BundleError(`${name} is over ${MAX_METADATA_BYTES} bytes`);
    return files.read(entry.offset, entry.size);
  };
  const manifestBytes = await read(BundlePath.manifest);
  if (!manifestBytes) throw new BundleError(`${path} has no ${BundlePath.manifest}: it is not a Gantry bundle`);
  const indexBytes = await read(BundlePath.index);
  if (!indexBytes) throw new BundleError(`${path} has no ${BundlePath.index}: it is not an OCI image layout`);
  return {
    files,
    entries,
    manifest: parseGantryManifest(manifestBytes),
    manifestBytes,
    manifestDigest: digestOf(manifestBytes),
    signature: await read(BundlePath.signature),
    index: parseIndex(indexBytes),
  };
}

/** A blob's bytes as a stream straight from the bundle file. */
export function openBundleBlob(bundle: OpenedBundle, descriptor: Pick<Descriptor, "digest" | "size">): Readable {
  const entry = bundle.entries.get(blobPath(descriptor.digest));
  if (!entry) throw new BundleError(`the bundle does not carry blob ${descriptor.digest}`, "not_found");
  return bundle.files.stream(entry.offset, entry.size);
}

/** A small blob (a manifest) read whole, its digest checked. */
export async function readBundleBlob(bundle: OpenedBundle, digest: Digest): Promise<Buffer> {
  const entry = bundle.entries.get(blobPath(digest));
  if (!entry) throw new BundleError(`the bundle does not carry manifest ${digest}`, "not_found");
  if (entry.size > MAX_METADATA_BYTES) throw new BundleError(`manifest ${digest} is over ${MAX_METADATA_BYTES} bytes`);
  const bytes = await bundle.files.read(entry.offset, entry.size);
  if (`sha256:${createHash("sha256").update(bytes).digest("hex")}` !== digest) {
    throw new BundleError(`blob ${digest} is damaged: its bytes hash to ${digestOf(bytes)}`, "digest_mismatch");
  }
  return bytes;
}

/** The component descriptor of index.json named `name` (its ref.name). */
export function componentDescriptor(bundle: OpenedBundle, name: string): Descriptor | undefined {
  return bundle.index.find((d) => d.annotations?.[REF_NAME] === name);
}

function parseIndex(bytes: Buffer): Descriptor[] {
  let value: { schemaVersion?: number; manifests?: Descriptor[] };
  try {
    value = JSON.parse(bytes.toString("utf8")) as typeof value;
  } catch {
    throw new BundleError(`${BundlePath.index} is not JSON`);
  }
  if (value.schemaVersion !== 2 || !Array.isArray(value.manifests)) {
    throw new BundleError(`${BundlePath.index} is not an OCI index (schemaVersion 2 with manifests)`);
  }
  value.manifests.forEach((d, i) => {
    if (!isDigest(d?.digest ?? "") || typeof d.size !== "number")
      throw new BundleError(`${BundlePath.index}: manifests[${i}] is not a descriptor`);
  });
  return value.manifests;
}

function normalize(name: string): string {
  return name.replace(/^\.\//, "");
}
