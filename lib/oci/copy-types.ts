// The shapes copyImages takes and returns, apart from the code, so copy-image.ts and
// copy-images.ts (and plan-copy.ts) share them without importing each other.
import type { CosignArtifact } from "./cosign-tags";
import type { Digest } from "./digest";
import type { BlobContext } from "./ensure-blob";
import type { Failure } from "./failure";
import type { Platform } from "./manifest";
import type { BlobOutcome, CopyProgressEvent, ProgressThrottle } from "./progress";
import type { Reference } from "./reference";
import type { RegistryClient } from "./registry-client";
import type { TransferSchedule } from "./transfer-schedule";
import type { UploadPolicy } from "./upload-strategy";

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

export interface ImageIdentity {
  imageIndex: number;
  source: string;
  target: string;
}

export interface PushedImage extends ImageIdentity {
  status: "pushed";
  /** What the target's tag now points at. */
  digest: Digest;
  mediaType: string;
  /**
   * The exact bytes of that manifest (`digest` is theirs): a later step that points a tag at
   * it PUTs these instead of reading them back (tagManifest's `manifest`).
   */
  manifestBytes: Buffer;
  /** What the source served; differs from `digest` when a platform filter rewrote the index. */
  sourceDigest: Digest;
  platformFiltered: boolean;
  /** The target already had this digest under the tag: nothing moved. */
  upToDate: boolean;
  /** Blobs by outcome. */
  blobs: Record<BlobOutcome, number>;
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
