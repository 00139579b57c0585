/**
 * Errors are types (ky: source/errors): one base with a `kind` the promotion worker stores as
 * the image's failure kind, a `side` saying which registry it came from, and `retryable`
 * saying whether trying again can help. Messages are one line a person can act on and never
 * carry credentials (see redact.ts): they may reach a browser.
 */

/** The failure kinds of docs/architecture.md (PromotionImage.failureKind). */
export type FailureKind = "auth" | "not_found" | "too_large" | "storage" | "network" | "denied" | "digest_mismatch";
/** `invalid`: the caller's input is wrong (a bad reference, an option out of range); never an image result. */
export type OciErrorKind = FailureKind | "invalid";
export type Side = "source" | "target";

export interface OciErrorOptions {
  kind: OciErrorKind;
  retryable?: boolean;
  side?: Side;
  /** A finer reason: a distribution error code (MANIFEST_UNKNOWN) or one of ours (MANIFEST_UNSUPPORTED). */
  code?: string;
  cause?: unknown;
}

export class OciError extends Error {
  override name = "OciError";
  readonly kind: OciErrorKind;
  readonly retryable: boolean;
  readonly side?: Side;
  readonly code?: string;

  constructor(message: string, options: OciErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = options.kind;
    this.retryable = options.retryable ?? false;
    this.side = options.side;
    this.code = options.code;
  }
}

export class InvalidReferenceError extends OciError {
  override name = "InvalidReferenceError";
  constructor(message: string) {
    super(message, { kind: "invalid", code: "REFERENCE_INVALID" });
  }
}

/** A manifest we will not copy: schema 1, an unknown media type, broken JSON, a cycle. */
export class ManifestError extends OciError {
  override name = "ManifestError";
  constructor(message: string, options: { code: "MANIFEST_UNSUPPORTED" | "MANIFEST_INVALID"; side?: Side }) {
    // `denied`: Gantry's own policy refuses it, and no retry changes the bytes.
    super(message, { kind: "denied", ...options });
  }
}

export class DigestMismatchError extends OciError {
  override name = "DigestMismatchError";
  constructor(message: string, options: { side?: Side } = {}) {
    super(message, { kind: "digest_mismatch", code: "DIGEST_INVALID", ...options });
  }
}

export class TooLargeError extends OciError {
  override name = "TooLargeError";
  constructor(message: string, options: { side?: Side; code?: string } = {}) {
    super(message, { kind: "too_large", code: "SIZE_LIMIT", ...options });
  }
}

/** The connection failed, timed out or was cut; `retryable` is false for TLS trust problems. */
export class NetworkError extends OciError {
  override name = "NetworkError";
  constructor(message: string, options: { side?: Side; retryable?: boolean; cause?: unknown; code?: string }) {
    super(message, { kind: "network", retryable: options.retryable ?? true, ...options });
  }
}

/** Credentials were refused, or could not be found or fetched (a credential helper failed). */
export class AuthError extends OciError {
  override name = "AuthError";
  constructor(message: string, options: { side?: Side; code?: string; cause?: unknown; retryable?: boolean } = {}) {
    super(message, { kind: "auth", code: "UNAUTHORIZED", ...options });
  }
}

export function isOciError(error: unknown): error is OciError {
  return error instanceof OciError;
}

/** True when the operation failed because its AbortSignal fired (not a timeout of ours). */
export function isAbortError(error: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) return true;
  return error instanceof Error && (error.name === "AbortError" || (error as { code?: string }).code === "ABORT_ERR");
}

/** Whether trying the same operation again can help. Unknown errors are not retried. */
export function isRetryable(error: unknown): boolean {
  return isOciError(error) && error.retryable;
}
