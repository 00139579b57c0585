import { findCosignArtifacts } from "../cosign-tags";
import { digestOf, type Digest } from "../digest";
import type { Descriptor } from "../manifest";
import { formatReference, identifierOf, type Reference } from "../reference";
import type { RegistryClient } from "../registry-client";
import { listReferrers } from "../referrers";
import { resolveImage, type ManifestNode, type ResolvedImage } from "../resolve-image";
import {
  blobPath,
  BUNDLE_MEDIA_TYPE,
  BundlePath,
  COMPONENT_ANNOTATION,
  cosignTagName,
  OCI_LAYOUT,
  REF_NAME,
  type BundleComponent,
  type BundleCosignTag,
  type BundleReferrer,
  type GantryManifest,
} from "./bundle-format";
import type { OpenedBundle } from "./read-bundle";
import { encodeHeader, paddingOf } from "./tar-header";

/** One tar entry of the bundle to write: small content in memory, or a blob streamed from the source. */
export interface PlannedEntry {
  name: string;
  type: "file" | "directory";
  size: number;
  digest?: Digest;
  content?: Buffer;
  blob?: { repository: string; descriptor: Descriptor };
  /** Where its header starts in the bundle. */
  offset: number;
  header: Buffer;
}

export interface BundlePlan {
  entries: PlannedEntry[];
  manifest: GantryManifest;
  manifestBytes: Buffer;
  signature?: Buffer;
  /** The bundle's size: entries, padding and the end-of-archive blocks. */
  size: number;
  /** Fixes every byte of the bundle: a resumed export continues only a bundle of the same plan. */
  digest: Digest;
}

export interface PlanBundleOptions {
  source: RegistryClient;
  items: Reference[];
  referrers?: boolean;
  /** An earlier bundle: blobs it carried (or itself left out) are left out of this one. */
  since?: OpenedBundle;
  info: { gantryVersion: string; product?: string | null; channel?: string | null; release?: string | null };
  createdAt: Date;
  partSize?: number;
  /** Signs gantry-bundle.json's bytes; `reuse` returns an earlier run's signature of the same bytes. */
  sign?: (bytes: Buffer) => Buffer;
  signal?: AbortSignal;
}

// A signature of an SBOM of an image is two levels down, as in copy-referrers.ts.
const MAX_REFERRER_DEPTH = 2;

/**
 * Reads every component from the source (manifests only; no blob moves) and lays out the
 * bundle byte for byte: metadata first, then manifests, then config and layer blobs, each
 * distinct blob once. The same sources and creation time always give the same bytes.
 */
export async function planBundle(options: PlanBundleOptions): Promise<BundlePlan> {
  const { source, signal } = options;
  const manifests = new Map<Digest, ManifestNode>();
  const blobs = new Map<Digest, { repository: string; descriptor: Descriptor }>();
  const components: BundleComponent[] = [];
  const index: Descriptor[] = [];
  for (const item of options.items) {
    const at = { client: source, repository: item.repository, signal };
    const image = await resolveImage({ ...at, reference: identifierOf(item) });
    keepTree(image, item.repository, manifests, blobs);
    const subjects = [image.top.digest, ...image.children.map((c) => c.digest)];
    const referrers = options.referrers ? await collectReferrers(at, subjects, manifests, blobs) : [];
    // As the copy engine: cosign's tags go along with --referrers.
    const cosignTags = options.referrers ? await collectCosignTags(at, subjects, manifests, blobs) : [];
    const name = componentName(item, image.top.digest);
    const component: BundleComponent = {
      name,
      source: formatReference(item),
      digest: image.top.digest,
      mediaType: image.top.mediaType,
      size: image.size,
      referrers,
      cosignTags,
    };
    components.push(component);
    index.push({
      mediaType: image.top.mediaType,
      digest: image.top.digest,
      size: image.top.bytes.length,
      annotations: { [REF_NAME]: name },
    });
    for (const r of referrers) {
      if (!index.some((d) => d.digest === r.digest))
        index.push({
          mediaType: r.mediaType,
          digest: r.digest,
          size: r.size,
          ...(r.artifactType ? { artifactType: r.artifactType } : {}),
        });
    }
    for (const tag of cosignTags) {
      const refName = cosignTagName(component, tag.tag);
      if (!index.some((d) => d.annotations?.[REF_NAME] === refName))
        index.push({
          mediaType: tag.mediaType,
          digest: tag.digest,
          size: tag.size,
          annotations: { [REF_NAME]: refName, [COMPONENT_ANNOTATION]: name },
        });
    }
  }

  const carried = options.since ? carriedBy(options.since) : new Set<Digest>();
  const omitted = [...blobs.values()]
    .filter((b) => carried.has(b.descriptor.digest))
    .map((b) => ({ digest: b.descriptor.digest, size: b.descriptor.size }));
  const kept = [...blobs.values()].filter((b) => !carried.has(b.descriptor.digest));
  const manifest: GantryManifest = {
    mediaType: BUNDLE_MEDIA_TYPE,
    gantryVersion: options.info.gantryVersion,
    createdAt: options.createdAt.toISOString(),
    product: options.info.product ?? null,
    channel: options.info.channel ?? null,
    release: options.info.release ?? commonTag(options.items),
    components,
    blobs: {
      count: manifests.size + kept.length,
      bytes:
        [...manifests.values()].reduce((n, m) => n + m.bytes.length, 0) +
        kept.reduce((n, b) => n + b.descriptor.size, 0),
    },
    base: options.since
      ? {
          manifestDigest: options.since.manifestDigest,
          release: options.since.manifest.release,
          createdAt: options.since.manifest.createdAt,
        }
      : null,
    omitted,
  };
  const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
  const signature = options.sign?.(manifestBytes);

  const files: { name: string; content?: Buffer; digest: Digest; size: number; blob?: PlannedEntry["blob"] }[] = [];
  const small = (name: string, content: Buffer) =>
    files.push({ name, content, digest: digestOf(content), size: content.length });
  small(BundlePath.layout, Buffer.from(JSON.stringify(OCI_LAYOUT)));
  small(
    BundlePath.index,
    Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: index }),
    ),
  );
  small(BundlePath.manifest, manifestBytes);
  if (signature) small(BundlePath.signature, Buffer.from(`${signature.toString("base64")}\n`));
  const contents = [
    ...[...manifests.values()].map((m) => ({
      name: blobPath(m.digest),
      content: m.bytes,
      digest: m.digest,
      size: m.bytes.length,
    })),
    ...kept.map((b) => ({
      name: blobPath(b.descriptor.digest),
      digest: b.descriptor.digest,
      size: b.descriptor.size,
      blob: b,
    })),
  ];
  const checksums = [...files, ...contents].map((f) => `${f.digest.slice("sha256:".length)}  ${f.name}\n`).join("");
  small(BundlePath.checksums, Buffer.from(checksums));

  const mtime = Math.floor(options.createdAt.getTime() / 1000);
  const entries: PlannedEntry[] = [];
  let offset = 0;
  const add = (entry: Omit<PlannedEntry, "offset" | "header">) => {
    const header = encodeHeader({ name: entry.name, size: entry.size, mtime, type: entry.type });
    entries.push({ ...entry, offset, header });
    offset += header.length + entry.size + paddingOf(entry.size);
  };
  for (const f of files) add({ ...f, type: "file" });
  add({ name: BundlePath.blobsDir, type: "directory", size: 0 });
  add({ name: BundlePath.sha256Dir, type: "directory", size: 0 });
  for (const f of contents) add({ ...f, type: "file" });
  const size = offset + 1024;
  const layout = entries.map((e) => [e.name, e.size, e.digest ?? ""]);
  const digest = digestOf(
    Buffer.from(
      JSON.stringify({
        layout,
        partSize: options.partSize ?? 0,
        manifest: manifest.createdAt,
        signature: signature?.toString("base64"),
      }),
    ),
  );
  return { entries, manifest, manifestBytes, signature, size, digest };
}

/** Blobs an earlier bundle carried, or left out because its own base carried them. */
function carriedBy(base: OpenedBundle): Set<Digest> {
  const carried = new Set<Digest>(base.manifest.omitted.map((o) => o.digest));
  for (const name of base.entries.keys()) {
    if (name.startsWith(BundlePath.sha256Dir) && name.length > BundlePath.sha256Dir.length)
      carried.add(`sha256:${name.slice(BundlePath.sha256Dir.length)}`);
  }
  return carried;
}

async function collectReferrers(
  at: { client: RegistryClient; repository: string; signal?: AbortSignal },
  subjects: Digest[],
  manifests: Map<Digest, ManifestNode>,
  blobs: Map<Digest, { repository: string; descriptor: Descriptor }>,
  depth = 1,
): Promise<BundleReferrer[]> {
  const found: BundleReferrer[] = [];
  for (const subject of subjects) {
    const { descriptors } = await listReferrers({ ...at, digest: subject });
    for (const referrer of descriptors) {
      const image = await resolveImage({ ...at, reference: referrer.digest });
      keepTree(image, at.repository, manifests, blobs);
      found.push({
        mediaType: referrer.mediaType,
        digest: referrer.digest,
        size: referrer.size,
        ...(referrer.artifactType ? { artifactType: referrer.artifactType } : {}),
        subject,
      });
    }
    if (depth < MAX_REFERRER_DEPTH && descriptors.length) {
      found.push(
        ...(await collectReferrers(
          at,
          descriptors.map((d) => d.digest),
          manifests,
          blobs,
          depth + 1,
        )),
      );
    }
  }
  return found;
}

/** Each cosign tag of the subjects, its manifest tree kept for the bundle. */
async function collectCosignTags(
  at: { client: RegistryClient; repository: string; signal?: AbortSignal },
  subjects: Digest[],
  manifests: Map<Digest, ManifestNode>,
  blobs: Map<Digest, { repository: string; descriptor: Descriptor }>,
): Promise<BundleCosignTag[]> {
  const tags: BundleCosignTag[] = [];
  for (const artifact of await findCosignArtifacts({ ...at, subjects })) {
    const image = await resolveImage({ ...at, reference: artifact.digest });
    keepTree(image, at.repository, manifests, blobs);
    tags.push({ ...artifact, mediaType: image.top.mediaType, size: image.top.bytes.length });
  }
  return tags;
}

function keepTree(
  image: ResolvedImage,
  repository: string,
  manifests: Map<Digest, ManifestNode>,
  blobs: Map<Digest, { repository: string; descriptor: Descriptor }>,
): void {
  for (const node of [...image.children, image.top]) manifests.set(node.digest, node);
  for (const blob of image.blobs) if (!blobs.has(blob.digest)) blobs.set(blob.digest, { repository, descriptor: blob });
}

/** `vendor/api:1.2`; a source pinned by digest alone gets the tag `sha256-<hex>` (ref.name allows no `@`). */
function componentName(item: Reference, digest: Digest): string {
  return `${item.repository}:${item.tag ?? (item.digest ? digest.replace(":", "-") : "latest")}`;
}

function commonTag(items: Reference[]): string | null {
  const tags = new Set(items.map((i) => i.tag));
  const [only] = tags;
  return tags.size === 1 && only ? only : null;
}
