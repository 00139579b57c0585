import { createHash } from "node:crypto";
import type { Digest } from "../digest";
import { isOciError } from "../errors";
import { blobsOf, parseManifest } from "../manifest";
import { blobPath, BundlePath, cosignTagName } from "./bundle-format";
import { componentDescriptor, openBundle, readBundleBlob, type OpenedBundle } from "./read-bundle";
import { checkBundleSignature } from "./sign-bundle";

export interface VerifyBundleResult {
  ok: boolean;
  /** What is wrong, the first damaged blob first; empty when intact. */
  problems: string[];
  bundle?: OpenedBundle;
  blobs: number;
  bytes: number;
  /** "valid" with a key that matched; "unchecked" when signed but no key was given. */
  signature: "none" | "unchecked" | "valid";
}

/**
 * Checks a bundle with nothing but the file: every entry hashed against its name and the
 * checksum list, the OCI layout and Gantry manifest read, every component's tree present with
 * its referrers and cosign tags (blobs a differential bundle leaves out excepted), and the
 * signature with a key if given.
 */
export async function verifyBundle(
  path: string,
  options: { publicKeyPem?: string; onBytes?: (done: number, total: number) => void } = {},
): Promise<VerifyBundleResult> {
  let bundle: OpenedBundle;
  try {
    bundle = await openBundle(path);
  } catch (error) {
    if (!isOciError(error)) throw error;
    return { ok: false, problems: [error.message], blobs: 0, bytes: 0, signature: "none" };
  }
  const problems: string[] = [];
  const checksums = parseChecksums((await readEntry(bundle, BundlePath.checksums)) ?? Buffer.alloc(0));
  if (!bundle.entries.has(BundlePath.checksums)) problems.push(`the bundle has no ${BundlePath.checksums}`);
  const layout = await readEntry(bundle, BundlePath.layout);
  if (!layout || !/"imageLayoutVersion"/.test(layout.toString("utf8")))
    problems.push(`${BundlePath.layout} is missing or unreadable`);

  let blobs = 0;
  let bytes = 0;
  const total = [...bundle.entries.values()].reduce((n, e) => n + e.size, 0);
  for (const entry of [...bundle.entries.values()].sort((a, b) => a.offset - b.offset)) {
    if (entry.typeflag !== "0" || entry.name === BundlePath.checksums) continue;
    const hash = createHash("sha256");
    for await (const chunk of bundle.files.stream(entry.offset, entry.size)) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
      options.onBytes?.(bytes, total);
    }
    const hex = hash.digest("hex");
    if (entry.name.startsWith(BundlePath.sha256Dir)) {
      blobs++;
      const named = entry.name.slice(BundlePath.sha256Dir.length);
      if (hex !== named) problems.push(`blob sha256:${named} is damaged: its bytes hash to sha256:${hex}`);
      else if (checksums.size && checksums.get(entry.name) !== hex)
        problems.push(`${entry.name} is not in ${BundlePath.checksums}`);
    } else if (checksums.size && checksums.get(entry.name) !== hex) {
      problems.push(`${entry.name} does not match ${BundlePath.checksums}`);
    }
  }
  for (const name of checksums.keys())
    if (!bundle.entries.has(name)) problems.push(`${name} is listed in ${BundlePath.checksums} but missing`);
  if (problems.length === 0) problems.push(...(await missingFromTrees(bundle)));

  let signature: VerifyBundleResult["signature"] = bundle.signature ? "unchecked" : "none";
  if (options.publicKeyPem) {
    try {
      checkBundleSignature(bundle, options.publicKeyPem);
      signature = "valid";
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  return { ok: problems.length === 0, problems, bundle, blobs, bytes, signature };
}

/** Every component in index.json under its name, and every manifest and blob its tree needs. */
async function missingFromTrees(bundle: OpenedBundle): Promise<string[]> {
  const problems: string[] = [];
  const omitted = new Set(bundle.manifest.omitted.map((o) => o.digest));
  const visit = async (digest: Digest, mediaType: string, what: string) => {
    if (!bundle.entries.has(blobPath(digest))) return problems.push(`${what}: manifest ${digest} is missing`);
    const manifest = parseManifest(await readBundleBlob(bundle, digest), mediaType, {
      what: `${what}: manifest ${digest}`,
    });
    if (manifest.kind === "index") {
      for (const child of manifest.manifests) await visit(child.digest, child.mediaType, what);
      return;
    }
    for (const blob of blobsOf(manifest)) {
      if (!bundle.entries.has(blobPath(blob.digest)) && !omitted.has(blob.digest))
        problems.push(`${what}: blob ${blob.digest} is missing`);
    }
  };
  for (const component of bundle.manifest.components) {
    const listed = componentDescriptor(bundle, component.name);
    if (listed?.digest !== component.digest) {
      problems.push(`${BundlePath.index} does not name ${component.name} as ${component.digest}`);
      continue;
    }
    try {
      await visit(component.digest, component.mediaType, component.name);
      for (const r of component.referrers) await visit(r.digest, r.mediaType, `${component.name} referrer`);
      for (const tag of component.cosignTags ?? []) {
        const name = cosignTagName(component, tag.tag);
        if (componentDescriptor(bundle, name)?.digest !== tag.digest)
          problems.push(`${BundlePath.index} does not name ${name} as ${tag.digest}`);
        else await visit(tag.digest, tag.mediaType, name);
      }
    } catch (error) {
      if (!isOciError(error)) throw error;
      problems.push(error.message);
    }
  }
  return problems;
}

async function readEntry(bundle: OpenedBundle, name: string): Promise<Buffer | undefined> {
  const entry = bundle.entries.get(name);
  return entry && entry.size < 64 * 1024 * 1024 ? bundle.files.read(entry.offset, entry.size) : undefined;
}

/** `sha256sum` lines: `<hex>  <name>`. */
function parseChecksums(bytes: Buffer): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of bytes.toString("utf8").split("\n")) {
    const match = /^([a-f0-9]{64}) [ *](.+)$/.exec(line);
    if (match) map.set(match[2]!, match[1]!);
  }
  return map;
}
