import "server-only";
import { TooLargeError } from "@/lib/oci/errors";
import { fetchBytes } from "@/lib/oci/fetch-bytes";
import type { Descriptor } from "@/lib/oci/manifest";
import type { RegistryClient } from "@/lib/oci/registry-client";
import { fetchManifest, scopesFor } from "@/lib/oci/remote-manifest";

const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

/**
 * When an image was built: its config's `created`, the stand-in for push time (the registry
 * API has none). For an index, the linux/amd64 child (else the first image) decides.
 * Undefined when the config has no usable time.
 */
export async function readImageCreated(
  client: RegistryClient,
  repository: string,
  digest: string,
  signal?: AbortSignal,
): Promise<string | undefined> {
  let fetched = await fetchManifest({ client, repository, reference: digest, signal });
  if (fetched.manifest.kind === "index") {
    const child = pickChild(fetched.manifest.manifests);
    if (!child) return undefined;
    fetched = await fetchManifest({ client, repository, reference: child.digest, signal });
  }
  if (fetched.manifest.kind !== "image" || fetched.manifest.config.size > MAX_CONFIG_BYTES) return undefined;
  const config = fetched.manifest.config;
  const { bytes } = await fetchBytes(
    client,
    {
      method: "GET",
      url: `/v2/${repository}/blobs/${config.digest}`,
      scopes: scopesFor(repository),
      ok: [200],
      signal,
    },
    {
      maxBytes: MAX_CONFIG_BYTES,
      tooLarge: () =>
        new TooLargeError(`config ${config.digest} is larger than its descriptor says`, { side: client.side }),
    },
  );
  try {
    const created = (JSON.parse(bytes.toString("utf8")) as { created?: unknown }).created;
    return typeof created === "string" ? created : undefined;
  } catch {
    return undefined;
  }
}

function pickChild(children: Descriptor[]): Descriptor | undefined {
  const images = children.filter((child) => child.platform?.os !== "unknown");
  return images.find((child) => child.platform?.os === "linux" && child.platform.architecture === "amd64") ?? images[0];
}
