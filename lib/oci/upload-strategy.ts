import { isRegistryError } from "./registry-error";

/** What a registry is known to accept for blob uploads (lib/registries states it per provider). */
export interface UploadProfile {
  /**
   * Whether PATCH chunks work: `no` for monolithic-only registries (Artifact Registry, GCR),
   * `unknown` for a generic registry (tried where they pay, dropped at the first refusal).
   */
  chunks: "yes" | "no" | "unknown";
  /** The largest body it takes in one request (ACR answers 413 above ~20 MB); larger blobs go in chunks. */
  maxRequestBytes?: number;
  /** The largest chunk it takes (a registry can state it; a 413 teaches it). */
  maxChunkBytes?: number;
  /** Chunk blobs above this size only (default: the policy's); Infinity keeps chunks for when a 413 forces them. */
  chunkedAboveBytes?: number;
}

/** Engine tuning: when chunks buy something, and how big they are. */
export interface UploadPolicy {
  /** Blobs larger than this go in PATCH chunks where the registry takes them: a cut then resumes. */
  chunkedAboveBytes: number;
  chunkBytes: number;
}

export const DEFAULT_UPLOAD_POLICY: UploadPolicy = { chunkedAboveBytes: 1024 ** 3, chunkBytes: 128 * 1024 ** 2 };

export type UploadPlan = { mode: "whole" } | { mode: "chunks"; chunkBytes: number };

// Below this a smaller chunk is not worth its round trip: learning stops shrinking here.
const SMALLEST_LEARNED_CHUNK = 1024 ** 2;

/**
 * How one registry takes uploads: the provider's profile, refined by the registry's answers.
 * One per RegistryClient, shared by every blob of every copy through it, so what one blob
 * learns (a 413, a refused chunk) applies at once to the others, concurrent ones included.
 */
export class UploadStrategy {
  private chunks: UploadProfile["chunks"];
  /** Blobs above this go in chunks (the stated request limit, or the smallest whole blob refused with 413). */
  private wholeLimit: number;
  private maxChunkBytes: number;
  private readonly chunkedAboveBytes?: number;

  constructor(profile: UploadProfile = { chunks: "unknown" }) {
    this.chunks = profile.chunks;
    this.chunkedAboveBytes = profile.chunkedAboveBytes;
    this.wholeLimit = profile.maxRequestBytes ?? Infinity;
    this.maxChunkBytes = Math.min(profile.maxChunkBytes ?? Infinity, profile.maxRequestBytes ?? Infinity);
  }

  /** The plan for a blob of `size`; `minChunk` is the session's OCI-Chunk-Min-Length. */
  choose(size: number, policy: UploadPolicy, minChunk = 0): UploadPlan {
    if (this.chunks === "no") return { mode: "whole" };
    const mustChunk = size > this.wholeLimit;
    if (!mustChunk && size <= (this.chunkedAboveBytes ?? policy.chunkedAboveBytes)) return { mode: "whole" };
    return { mode: "chunks", chunkBytes: Math.max(Math.min(policy.chunkBytes, this.maxChunkBytes), minChunk, 1) };
  }

  /**
   * Learns from a failed upload attempt. True when the answer changed the plan for this blob
   * (try again at once, differently); false when it taught nothing (the error stands).
   */
  learn(error: unknown, plan: UploadPlan, size: number, acknowledged: number): boolean {
    if (!isRegistryError(error)) return false;
    if (plan.mode === "whole") {
      // A 413 to a whole blob: the registry limits one request's body, and chunks can pass under it.
      if (error.status !== 413 || this.chunks === "no") return false;
      this.wholeLimit = Math.min(this.wholeLimit, size - 1);
      return true;
    }
    if (chunkTooLarge(error)) {
      const sent = Math.min(plan.chunkBytes, size - acknowledged);
      if (sent <= SMALLEST_LEARNED_CHUNK) return false;
      this.maxChunkBytes = Math.max(SMALLEST_LEARNED_CHUNK, Math.floor(sent / 2));
      return true;
    }
    // The first chunk refused outright: the registry takes whole uploads only (when it takes this size whole).
    if (acknowledged === 0 && refusesChunks(error.status) && size <= this.wholeLimit) {
      this.chunks = "no";
      return true;
    }
    return false;
  }
}

/** 413, or GHCR's 416 "the request body is too large" (oras-project/rust-oci-client#35). */
function chunkTooLarge(error: { status: number; message: string }): boolean {
  return error.status === 413 || (error.status === 416 && /too large/i.test(error.message));
}

// Statuses that say "not like this" rather than "not now" or "not you".
function refusesChunks(status: number): boolean {
  return status === 400 || status === 405 || status === 415 || status === 501;
}
