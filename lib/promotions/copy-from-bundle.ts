import "server-only";
import { isUserError } from "@/lib/change/errors";
import { DEFAULT_BLOB_CONCURRENCY } from "@/lib/oci/copy-images";
import { failureOf } from "@/lib/oci/failure";
import type { Digest } from "@/lib/oci/digest";
import { importBundle } from "@/lib/oci/layout/import-bundle";
import { redact } from "@/lib/oci/redact";
import { parseReference } from "@/lib/oci/reference";
import type { Throttle } from "@/lib/oci/transport/throttle";
import { log } from "@/lib/log";
import { BlobTransferMeter } from "@/lib/metrics/blob-transfer-meter";
import { ensureRepository, outcomeOf, type CopyOutcome } from "./image-copy-outcome";
import type { ImageProgressWriter } from "./image-progress-writer";
import type { ClaimedImage } from "./image-transitions";
import { openPromotionTarget, type OpenedRegistry } from "./open-promotion-registries";
import { bundleComponentsOf, openReleaseBundle } from "./plan-bundle-promotion";
import { promotionSettings } from "./promotion-settings";

/**
 * copyAll for a release imported from a bundle: blobs read straight from the bundle file by
 * offset (importBundle, never unpacked), with the same progress, repository creation and
 * digest check at the target as a registry-to-registry copy.
 */
export async function copyFromBundle(
  images: ClaimedImage[],
  signal: AbortSignal,
  writers: ImageProgressWriter[],
  promotion: { targetRegistryId: string; release: { tag: string; bundlePath: string | null } },
  throttle?: Throttle,
): Promise<CopyOutcome[]> {
  let target: OpenedRegistry & { close(): Promise<void> };
  let names: string[];
  let bundle: Awaited<ReturnType<typeof openReleaseBundle>>;
  try {
    bundle = await openReleaseBundle(promotion.release, "releaseId");
    const wanted = images.map((i) => ({ repository: i.component, digest: i.digest }));
    names = bundleComponentsOf(bundle, { tag: promotion.release.tag, images: wanted }, "releaseId");
    const timeouts = { lowSpeedWindowMs: promotionSettings().lowSpeedSeconds * 1000 };
    target = await openPromotionTarget(promotion.targetRegistryId, { timeouts, ...(throttle ? { throttle } : {}) });
  } catch (error) {
    const message = isUserError(error) ? error.message : "the bundle or the target could not be opened";
    return images.map(() => ({ status: "failed", kind: "denied", message }));
  }
  const secrets = () => target.secrets();
  const meter = new BlobTransferMeter(promotion.targetRegistryId);
  try {
    const outcomes: (CopyOutcome | undefined)[] = [];
    const items: { index: number; name: string; target: ReturnType<typeof parseReference> }[] = [];
    for (const [index, image] of images.entries()) {
      const ref = parseReference(image.targetRef);
      outcomes[index] = await ensureRepository(target, ref.repository, signal, secrets);
      if (!outcomes[index]) items.push({ index, name: names[index]!, target: ref });
    }
    if (items.length === 0) return outcomes as CopyOutcome[];
    const result = await importBundle({
      bundle,
      target: target.client,
      // By digest: the tags move only once every component is at the target (move-promotion-tags.ts).
      targets: items.map(({ index, name, target: ref }) => ({
        name,
        target: { registry: ref.registry, repository: ref.repository, digest: images[index]!.digest as Digest },
      })),
      concurrency: DEFAULT_BLOB_CONCURRENCY,
      signal,
      onProgress: (event) => {
        meter.observe(event);
        writers[items[event.imageIndex]!.index]!.push(event);
      },
    });
    for (const [position, item] of items.entries()) {
      const image = images[item.index]!;
      outcomes[item.index] = await outcomeOf(
        result.images[position]!,
        image,
        target,
        signal,
        writers[item.index]!,
        secrets,
      );
    }
    return outcomes as CopyOutcome[];
  } catch (error) {
    if (signal.aborted) return images.map(() => "stopped" as const);
    const failure = failureOf(error);
    log.warn(
      { promotionId: images[0]!.promotionId, kind: failure.kind },
      "bundle promotion images failed outside the copy",
    );
    return images.map(() => ({ status: "failed", kind: failure.kind, message: redact(failure.message, secrets()) }));
  } finally {
    await Promise.all([target.close(), meter.flush()]);
  }
}
