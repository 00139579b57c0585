import type { BlobOutcome } from "@/lib/oci/progress";
import type { CosignKind } from "@/lib/oci/cosign-summary";
import type { ImagePlan } from "@/lib/oci/plan-copy";

/** What a promotion will do, computed before it starts; stored on the Promotion row. */
export interface PromotionPlanImage {
  /** The component repository at the source, e.g. `vendor/api`. */
  component: string;
  /** `host/vendor/api:tag` */
  source: string;
  /** `host/team/api:tag` */
  target: string;
  /** The source manifest digest the target must end up with. */
  digest: string;
  /** Manifests plus distinct blobs: what an empty target would receive. */
  size: number;
  repositoryExists: boolean;
  /** Blob counts: already at the target, mounted from another target repository, uploaded. */
  blobs: Record<BlobOutcome, number>;
  bytesToMove: number;
  /** `up_to_date`: the target tag already has the digest; `failed`: see failure. */
  status: "up_to_date" | "copy" | "failed";
  failure: null | { kind: string; message: string };
  /** cosign tags at the source that come along (the channel copies signatures); absent in older plans. */
  signatures?: PlannedSignature[];
  /** SBOMs and attestations attached as OCI referrers that come along (the sync's summary; cosign tags are in `signatures`). */
  referrers?: PlannedReferrer[];
  /** The component's signatures under the channel's policy, checked as the plan was made; null when the policy is off. */
  signature?: null | { status: "verified" | "unsigned" | "invalid"; signers: string[]; reason: string | null };
  /** The manifest is at the target by digest already; absent in older plans. */
  atTarget?: boolean;
  /** Each tag the promotion moves (release tag, moving tag) and the digest it points at now (null: none). */
  tags?: { tag: string; now: string | null }[];
}

/** One cosign tag of an image: `sha256-<hex>.sig` holding `count` signatures, and so on. */
export interface PlannedSignature {
  kind: CosignKind;
  tag: string;
  digest: string;
  count: number;
}

/** An SBOM or attestation referrer of an image, as the sync described it. */
export interface PlannedReferrer {
  kind: "sbom" | "attestation";
  format: string;
  packages: number | null;
}

export interface PromotionPlan {
  images: PromotionPlanImage[];
  /** Target repositories that do not exist yet (created through the provider's API at run time where it needs that). */
  repositoriesToCreate: string[];
  bytesToMove: number;
  sizeLimit: { limitBytes: number | null; exceeded: string[] };
  /** Every image is at the target already: nothing will move. */
  upToDate: boolean;
  /** The channel's signature policy in a few words; null when off. */
  signaturePolicy?: string | null;
  /** Components the signature policy refuses: a promotion of this plan is refused. */
  denied?: string[];
  /** The tag that follows the release on every component (`stable`), or null. */
  movingTag?: string | null;
  /** Every manifest is at the target already and a tag points at another release: 0 bytes, the tags move back (a roll back). */
  tagsMoveBack?: boolean;
}

export function countBlobs(planned: ImagePlan): PromotionPlanImage["blobs"] {
  const count = (outcome: BlobOutcome) => planned.blobs.filter((b) => b.outcome === outcome).length;
  return { present: count("present"), mounted: count("mounted"), uploaded: count("uploaded") };
}
