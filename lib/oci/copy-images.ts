import { DEFAULT_UPLOAD_POLICY, type UploadPolicy } from "./blob-upload";
import { copyImage } from "./copy-image";
import type { CosignArtifact } from "./cosign-tags";
import type { Digest } from "./digest";
import { BlobLedger, type BlobContext } from "./ensure-blob";
import { OciError } from "./errors";
import type { Failure } from "./failure";
import { createLimiter } from "./limiter";
import type { Platform } from "./manifest";
import { parsePlatform } from "./platform";
import { ProgressThrottle, type CopyProgressEvent } from "./progress";
import { formatReference, parseReference, type Reference } from "./reference";
import type { RegistryClient } from "./registry-client";
import { TransferSchedule } from "./transfer-schedule";

/** Blob transfers at once across a whole call; chosen with bench/copy.sh (see its README). */
export const DEFAULT_BLOB_CONCURRENCY = 4;
const IMAGE_CONCURRENCY = 8;
const CHECK_CONCURRENCY = 16;

export interface CopyItem {
  source: Reference | string;
  target: Reference | string;
}

export interface CopyImagesOptions {
  items: CopyItem[];
  /** The registry every source lives on (create it with side "source" for clear messages). */
  source: RegistryClient;
  /** The registry every target lives on. */
  target: RegistryClient;
  /** Blob transfers at once, shared by all images (default DEFAULT_BLOB_CONCURRENCY). */
  concurrency?: number;
  /** Keep only these platforms of an index (`linux/amd64`); the pushed digest then differs. */
  platforms?: (Platform | string)[];
  /** Copy signatures, SBOMs and other referrers with each image: OCI referrers and cosign's sha256-<hex>.sig/.att/.sbom tags. */
  referrers?: boolean;
  /** The target's size limit per image: a larger image fails as too_large before any byte moves. */
  sizeLimitBytes?: number;
  upload?: Partial<UploadPolicy>;
  signal?: AbortSignal;
  /** Throttled progress (see ProgressThrottle); a throwing listener is ignored. */
  onProgress?: (event: CopyProgressEvent) => void;
}

interface ImageIdentity {
  imageIndex: number;
  source: string;
  target: string;
}

export interface PushedImage extends ImageIdentity {
  status: "pushed";
  /** What the target's tag now points at. */
  digest: Digest;
  mediaType: string;
  /** What the source served; differs from `digest` when a platform filter rewrote the index. */
  sourceDigest: Digest;
  platformFiltered: boolean;
  /** The target already had this digest under the tag: nothing moved. */
  upToDate: boolean;
  blobs: { existed: number; mounted: number; transferred: number };
  bytesTransferred: number;
  referrersCopied: number;
  /** cosign tags copied with the image (exact digests). */
  cosignTags: CosignArtifact[];
}

export interface FailedImage extends ImageIdentity, Failure {
  status: "failed";
}

export interface StoppedImage extends ImageIdentity {
  status: "stopped";
}

export type ImageResult = PushedImage | FailedImage | StoppedImage;

export interface CopyImagesResult {
  images: ImageResult[];
  /** Every image pushed. */
  ok: boolean;
}

/** The options after validation, as each image's copy sees them. */
export interface CopyContext extends BlobContext {
  transfers: TransferSchedule;
  platforms?: Platform[];
  referrers: boolean;
  sizeLimitBytes?: number;
  progress: ProgressThrottle;
  signal?: AbortSignal;
}

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
