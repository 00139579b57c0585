import "server-only";
import type { ImageResult } from "@/lib/oci/copy-types";
import { isOciError } from "@/lib/oci/errors";
import { redact } from "@/lib/oci/redact";
import { parseReference } from "@/lib/oci/reference";
import { headManifest } from "@/lib/oci/remote-manifest";
import { providerInfo } from "@/lib/registries/providers";
import type { ImageProgressWriter } from "./image-progress-writer";
import type { ClaimedImage, ImageOutcome } from "./image-transitions";
import type { OpenedRegistry } from "./open-promotion-registries";

export type CopyOutcome = ImageOutcome | "stopped";

/** ECR and Artifact Registry need a repository before the first push: created through the provider's API. */
export async function ensureRepository(
  target: OpenedRegistry,
  repository: string,
  signal: AbortSignal,
  secrets: () => string[],
): Promise<ImageOutcome | undefined> {
  const { adapter } = target;
  if (!providerInfo(adapter.provider).createsRepositories || !adapter.createRepository) return undefined;
  try {
    await adapter.createRepository(repository, { signal });
    return undefined;
  } catch (error) {
    if (signal.aborted) throw error;
    const kind = isOciError(error) && error.kind !== "invalid" ? error.kind : "denied";
    const why = error instanceof Error ? error.message : String(error);
    return {
      status: "failed",
      kind,
      side: "target",
      message: redact(`target: could not create the repository ${repository}: ${why}`, secrets())
        .split("\n")[0]!
        .slice(0, 500),
    };
  }
}

/** A pushed image counts only once the target serves the source's digest (by digest: its tag moves later). */
export async function outcomeOf(
  result: ImageResult,
  image: ClaimedImage,
  targetRegistry: OpenedRegistry,
  signal: AbortSignal,
  writer: ImageProgressWriter,
  secrets: () => string[],
): Promise<CopyOutcome> {
  if (result.status === "stopped") return "stopped";
  const target = parseReference(image.targetRef);
  if (result.status === "failed") {
    const refused = result.side === "target" && (result.kind === "auth" || result.kind === "denied");
    const hint = refused
      ? providerInfo(targetRegistry.adapter.provider).refusedPushHint?.(target.repository)
      : undefined;
    const message = redact(result.message, secrets()) + (hint ? `; ${hint}` : "");
    return { status: "failed", kind: result.kind, message, ...(result.side ? { side: result.side } : {}) };
  }
  const head = await headManifest({
    client: targetRegistry.client,
    repository: target.repository,
    reference: image.digest,
    push: true,
    signal,
  });
  const { bytesTotal, blobsTotal } = writer.snapshot;
  if (!head || head.digest !== image.digest) {
    return {
      status: "failed",
      kind: "digest_mismatch",
      side: "target",
      message: `target ${target.repository}@${image.digest} answers ${head ? head.digest : "no manifest"} after the push; expected ${image.digest}`,
    };
  }
  return {
    status: "pushed",
    targetDigest: head.digest,
    upToDate: result.upToDate,
    // The bytes just verified at the target by their digest: the tag step PUTs them under the tags.
    manifest: { bytes: result.manifestBytes, mediaType: result.mediaType },
    bytesTransferred: result.bytesTransferred,
    bytesTotal,
    blobsTotal,
    signatures: result.cosignTags.map(({ kind, tag, digest, count }) => ({ kind, tag, digest, count })),
  };
}
