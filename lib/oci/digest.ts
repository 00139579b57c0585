import { createHash, type Hash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { DigestMismatchError, type Side } from "./errors";

/** `algorithm:hex`, e.g. `sha256:…64 hex`. */
export type Digest = string;

const ENCODED_LENGTH: Record<string, number> = { sha256: 64, sha512: 128 };
// The OCI grammar allows other algorithms; registries verify only these two, so we do too.
const DIGEST = /^(sha256|sha512):([a-f0-9]+)$/;

export function isDigest(value: string): boolean {
  const match = DIGEST.exec(value);
  return Boolean(match && match[2]!.length === ENCODED_LENGTH[match[1]!]);
}

/** Throws a message naming what is wrong with the digest. */
export function assertDigest(value: string, what = "digest"): asserts value is Digest {
  if (isDigest(value)) return;
  throw new TypeError(
    `${what} ${JSON.stringify(value.slice(0, 100))} is not a valid digest: expected sha256:<64 lowercase hex> or sha512:<128 lowercase hex>`,
  );
}

export function digestOf(bytes: Uint8Array, algorithm: "sha256" | "sha512" = "sha256"): Digest {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest("hex")}`;
}

export function algorithmOf(digest: Digest): "sha256" | "sha512" {
  return digest.startsWith("sha512:") ? "sha512" : "sha256";
}

export interface VerifyOptions {
  digest: Digest;
  size: number;
  side?: Side;
  /** Called with each passing (emitted) chunk's length. */
  onBytes?: (bytes: number) => void;
  /** The stream starts at this offset of the blob, with `hash` holding the state of the bytes before it. */
  start?: { offset: number; hash: Hash };
  /** Bytes before this offset are hashed but not passed on (the target has them already). */
  emitFrom?: number;
  /** Records the hash state at `base + k × every` (k ≥ 1): the points an upload can resume from. */
  checkpoints?: { base: number; every: number; onCheckpoint: (offset: number, hash: Hash) => void };
}

/**
 * A pass-through that hashes and counts bytes and fails with DigestMismatchError when they
 * do not match. It holds back the latest chunk until the next one arrives, so on a mismatch
 * the last bytes never reach the upload and the registry cannot commit the blob.
 */
export function createDigestVerifier(options: VerifyOptions): Transform {
  return new DigestVerifier(options);
}

class DigestVerifier extends Transform {
  private readonly hash: Hash;
  private seen: number;
  private held: Buffer | undefined;
  private nextCheckpoint: number;

  constructor(private readonly options: VerifyOptions) {
    super();
    this.hash = options.start?.hash ?? createHash(algorithmOf(options.digest));
    this.seen = options.start?.offset ?? 0;
    const every = options.checkpoints?.every ?? 0;
    this.nextCheckpoint = every > 0 ? options.checkpoints!.base + every : Infinity;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const at = this.seen;
    this.seen += chunk.length;
    if (this.seen > this.options.size) {
      callback(this.mismatch(`more than the ${this.options.size} bytes its descriptor declares`));
      return;
    }
    this.update(chunk, at);
    const skip = Math.max(0, Math.min(chunk.length, (this.options.emitFrom ?? 0) - at));
    const out = skip > 0 ? chunk.subarray(skip) : chunk;
    if (out.length === 0) return callback();
    this.options.onBytes?.(out.length);
    const previous = this.held;
    this.held = out;
    callback(null, previous);
  }

  /** Hashes `chunk` (starting at blob offset `at`), copying the state at each checkpoint it crosses. */
  private update(chunk: Buffer, at: number): void {
    let from = 0;
    while (this.nextCheckpoint <= at + chunk.length) {
      const cut = this.nextCheckpoint - at;
      this.hash.update(chunk.subarray(from, cut));
      this.options.checkpoints!.onCheckpoint(this.nextCheckpoint, this.hash.copy());
      from = cut;
      this.nextCheckpoint += this.options.checkpoints!.every;
    }
    this.hash.update(from > 0 ? chunk.subarray(from) : chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.seen !== this.options.size) {
      callback(this.mismatch(`${this.seen} bytes where its descriptor declares ${this.options.size}`));
      return;
    }
    const actual = `${algorithmOf(this.options.digest)}:${this.hash.digest("hex")}`;
    if (actual !== this.options.digest) {
      callback(this.mismatch(`bytes hashing to ${actual}`));
      return;
    }
    callback(null, this.held);
  }

  private mismatch(what: string): DigestMismatchError {
    const from = this.options.side ? `the ${this.options.side} registry` : "the registry";
    return new DigestMismatchError(`blob ${this.options.digest} from ${from} has ${what}; the upload was cancelled`, {
      side: this.options.side,
    });
  }
}
