import { copyImage } from "./copy-image";
import type { CopyContext, CopyImagesOptions, CopyImagesResult, CopyItem } from "./copy-types";
import { BlobLedger } from "./ensure-blob";
import { OciError } from "./errors";
import { createLimiter } from "./limiter";
import { parsePlatform } from "./platform";
import { ProgressThrottle } from "./progress";
import { formatReference, parseReference } from "./reference";
import { TransferSchedule } from "./transfer-schedule";
import { DEFAULT_UPLOAD_POLICY } from "./upload-strategy";

/** Blob transfers at once across a whole call; chosen with bench/copy.sh (see its README). */
export const DEFAULT_BLOB_CONCURRENCY = 4;
const IMAGE_CONCURRENCY = 8;
const CHECK_CONCURRENCY = 16;

/**
 * Copies images registry to registry, exactly (same digests unless a platform filter asks
 * otherwise). Every image ends pushed, failed with a kind, or stopped (the signal fired);
 * the promise itself only rejects for invalid input, before any request.
 */
export async function copyImages(options: CopyImagesOptions): Promise<CopyImagesResult> {
  const items = options.items.map((item, imageIndex) => validateItem(item, imageIndex, options));
  const concurrency = options.concurrency ?? DEFAULT_BLOB_CONCURRENCY;
  const progress = new ProgressThrottle(options.onProgress);
  const context: CopyContext = {
    source: options.source,
    target: options.target,
    ledger: new BlobLedger(),
    transfers: new TransferSchedule(concurrency),
    checks: createLimiter(CHECK_CONCURRENCY),
    upload: { ...DEFAULT_UPLOAD_POLICY, ...options.upload },
    platforms: options.platforms?.map((p) => (typeof p === "string" ? parsePlatform(p) : p)),
    referrers: options.referrers ?? false,
    sizeLimitBytes: options.sizeLimitBytes,
    progress,
    signal: options.signal,
  };
  const images = createLimiter(IMAGE_CONCURRENCY);
  // The target's first answer is needed only after the source manifests: ask for it meanwhile.
  void options.target.prepare(options.signal);
  try {
    const results = await Promise.all(items.map((item) => images.run(() => copyImage(context, item))));
    return { images: results, ok: results.every((r) => r.status === "pushed") };
  } finally {
    progress.flush();
  }
}

function validateItem(item: CopyItem, imageIndex: number, options: CopyImagesOptions) {
  const source = typeof item.source === "string" ? parseReference(item.source) : item.source;
  const target = typeof item.target === "string" ? parseReference(item.target) : item.target;
  const invalid = (message: string) =>
    new OciError(`items[${imageIndex}]: ${message}`, { kind: "invalid", code: "ITEM_INVALID" });
  if (source.registry !== options.source.registry) {
    throw invalid(`source ${formatReference(source)} is not on the source registry ${options.source.registry}`);
  }
  if (target.registry !== options.target.registry) {
    throw invalid(`target ${formatReference(target)} is not on the target registry ${options.target.registry}`);
  }
  return { imageIndex, source, target };
}
