import { digestOf } from "@/lib/oci/digest";
import { TooLargeError } from "@/lib/oci/errors";
import { fetchBytes } from "@/lib/oci/fetch-bytes";
import type { Descriptor } from "@/lib/oci/manifest";
import { fallbackTag, listReferrers } from "@/lib/oci/referrers";
import type { RegistryClient } from "@/lib/oci/registry-client";
import { isRegistryError } from "@/lib/oci/registry-error";
import { fetchManifest, scopesFor } from "@/lib/oci/remote-manifest";

/** cosign's annotations on a signature layer of a `sha256-<hex>.sig` manifest. */
export const CosignAnnotation = {
  signature: "dev.cosignproject.cosign/signature",
  certificate: "dev.sigstore.cosign/certificate",
  chain: "dev.sigstore.cosign/chain",
  bundle: "dev.sigstore.cosign/bundle",
} as const;

export const SIMPLE_SIGNING_MEDIA_TYPE = "application/vnd.dev.cosign.simplesigning.v1+json";
const BUNDLE_TYPE_PREFIX = "application/vnd.dev.sigstore.bundle";

/** Signatures read per image at most: a vendor signs a few times, not hundreds. */
const MAX_SIGNATURES = 16;
const MAX_PAYLOAD_BYTES = 256 * 1024;

/** One signature as the registry holds it, not yet checked. */
export type FoundSignature =
  | {
      kind: "cosign";
      /** The simple-signing payload the signature is over. */
      payload: Buffer;
      signature: string;
      certificate?: string;
      chain?: string;
      bundle?: string;
    }
  | { kind: "bundle"; bundle: unknown };

/**
 * Every signature a vendor left for one manifest: the layers of the cosign tag
 * `sha256-<hex>.sig`, and sigstore bundles attached as OCI 1.1 referrers (the referrers
 * API, or its tag fallback). Nothing found is an empty list.
 */
export async function readSignatures(options: {
  client: RegistryClient;
  repository: string;
  digest: string;
  signal?: AbortSignal;
}): Promise<FoundSignature[]> {
  const [cosign, bundles] = await Promise.all([readCosignTag(options), readReferrerBundles(options)]);
  return [...cosign, ...bundles].slice(0, MAX_SIGNATURES);
}

async function readCosignTag(options: {
  client: RegistryClient;
  repository: string;
  digest: string;
  signal?: AbortSignal;
}): Promise<FoundSignature[]> {
  let manifest;
  try {
    ({ manifest } = await fetchManifest({ ...options, reference: `${fallbackTag(options.digest)}.sig` }));
  } catch (error) {
    if (isRegistryError(error) && error.status === 404) return [];
    throw error;
  }
  if (manifest.kind !== "image") return [];
  const layers = manifest.layers
    .filter((layer) => layer.annotations?.[CosignAnnotation.signature] !== undefined)
    .slice(0, MAX_SIGNATURES);
  // cosign writes one payload for every signature of a digest: each distinct blob is read once.
  const payloads = new Map<string, Promise<Buffer>>();
  for (const layer of layers) if (!payloads.has(layer.digest)) payloads.set(layer.digest, readBlob(options, layer));
  return Promise.all(
    layers.map(async (layer): Promise<FoundSignature> => {
      const annotations = layer.annotations!;
      return {
        kind: "cosign",
        payload: await payloads.get(layer.digest)!,
        signature: annotations[CosignAnnotation.signature]!,
        ...optional("certificate", annotations[CosignAnnotation.certificate]),
        ...optional("chain", annotations[CosignAnnotation.chain]),
        ...optional("bundle", annotations[CosignAnnotation.bundle]),
      };
    }),
  );
}

async function readReferrerBundles(options: {
  client: RegistryClient;
  repository: string;
  digest: string;
  signal?: AbortSignal;
}): Promise<FoundSignature[]> {
  const { descriptors } = await listReferrers(options);
  const bundles = descriptors.filter((d) => d.artifactType?.startsWith(BUNDLE_TYPE_PREFIX)).slice(0, MAX_SIGNATURES);
  const signatures: FoundSignature[] = [];
  for (const descriptor of bundles) {
    const { manifest } = await fetchManifest({ ...options, reference: descriptor.digest });
    if (manifest.kind !== "image") continue;
    const layer = manifest.layers.find((l) => l.mediaType.startsWith(BUNDLE_TYPE_PREFIX));
    if (!layer) continue;
    const bytes = await readBlob(options, layer);
    try {
      signatures.push({ kind: "bundle", bundle: JSON.parse(bytes.toString("utf8")) });
    } catch {
      signatures.push({ kind: "bundle", bundle: null });
    }
  }
  return signatures;
}

/** A small blob read whole and checked against its descriptor's digest. */
async function readBlob(
  options: { client: RegistryClient; repository: string; signal?: AbortSignal },
  descriptor: Descriptor,
): Promise<Buffer> {
  const { client, repository, signal } = options;
  const tooLarge = () =>
    new TooLargeError(`signature blob ${descriptor.digest} is over ${MAX_PAYLOAD_BYTES} bytes`, { side: client.side });
  if (descriptor.size > MAX_PAYLOAD_BYTES) throw tooLarge();
  const { bytes } = await fetchBytes(
    client,
    {
      method: "GET",
      url: `/v2/${repository}/blobs/${descriptor.digest}`,
      scopes: scopesFor(repository),
      ok: [200],
      signal,
    },
    { maxBytes: MAX_PAYLOAD_BYTES, tooLarge },
  );
  if (digestOf(bytes) !== descriptor.digest)
    throw new TypeError(`signature blob ${descriptor.digest} does not match its digest`);
  return bytes;
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}
