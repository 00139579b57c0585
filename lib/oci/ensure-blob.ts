import type { Readable } from "node:stream";
import { transferBlob, type UploadPolicy } from "./blob-upload";
import type { Digest } from "./digest";
import type { Limiter } from "./limiter";
import type { Descriptor } from "./manifest";
import type { BlobState } from "./progress";
import type { RegistryClient } from "./registry-client";
import { headBlob } from "./remote-blob";

/**
 * What one copy call knows about blobs on the target: which repositories hold which digest,
 * and which transfers are under way. A blob several images share moves once; the others
 * wait for it, then mount it from where it landed.
 */
export class BlobLedger {
  private readonly holders = new Map<Digest, Set<string>>();
  private readonly inflight = new Map<Digest, Promise<unknown>>();

  holds(digest: Digest, repository: string): boolean {
    return this.holders.get(digest)?.has(repository) ?? false;
  }

  record(digest: Digest, repository: string): void {
    const set = this.holders.get(digest) ?? new Set<string>();
    set.add(repository);
    this.holders.set(digest, set);
  }

  /** A repository other than `repository` known to hold the digest: a mount source. */
  holderOtherThan(digest: Digest, repository: string): string | undefined {
    return [...(this.holders.get(digest) ?? [])].find((r) => r !== repository);
  }

  pending(digest: Digest): Promise<unknown> | undefined {
    return this.inflight.get(digest);
  }

  async claim<T>(digest: Digest, work: () => Promise<T>): Promise<T> {
    const promise = work();
    this.inflight.set(digest, promise);
    try {
      return await promise;
    } finally {
      if (this.inflight.get(digest) === promise) this.inflight.delete(digest);
    }
  }
}

export interface BlobContext {
  source: RegistryClient;
  target: RegistryClient;
  ledger: BlobLedger;
  /** Bounds blob transfers across every image of the call. */
  transfers: Limiter;
  /** Bounds HEAD checks, kept apart so checks never queue behind long transfers. */
  checks: Limiter;
  upload?: UploadPolicy;
  /** Blob bytes come from here instead of the source registry (a bundle file): nothing is mounted from the source. */
  openSource?: (descriptor: Descriptor, signal?: AbortSignal) => Promise<Readable>;
}

export interface EnsureBlobJob {
  sourceRepository: string;
  targetRepository: string;
  descriptor: Descriptor;
  signal?: AbortSignal;
  onState: (state: BlobState, bytesDone: number, mountedFrom?: string) => void;
}

export type BlobOutcome = "exists" | "mounted" | "done";

// Waiting for another image's transfer, then re-checking, ends after a few rounds even if
// transfers keep failing: the last round transfers itself.
const MAX_ROUNDS = 4;

/** Makes sure the target repository has the blob, moving as few bytes as possible. */
export async function ensureBlob(context: BlobContext, job: EnsureBlobJob): Promise<BlobOutcome> {
  const { ledger } = context;
  const { digest } = job.descriptor;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    if (ledger.holds(digest, job.targetRepository)) {
      job.onState("exists", job.descriptor.size);
      return "exists";
    }
    const pending = ledger.pending(digest);
    if (!pending) return ledger.claim(digest, () => settle(context, job));
    await pending.catch(() => undefined);
  }
  return settle(context, job);
}

async function settle(context: BlobContext, job: EnsureBlobJob): Promise<BlobOutcome> {
  const { descriptor, targetRepository, signal } = job;
  const at = { client: context.target, repository: targetRepository, push: true, signal };
  job.onState("checking", 0);
  const present = await context.checks.run(() => headBlob(at, descriptor.digest), signal);
  if (present !== undefined) {
    context.ledger.record(descriptor.digest, targetRepository);
    job.onState("exists", descriptor.size);
    return "exists";
  }
  const sameRegistry =
    !context.openSource &&
    context.source.registry === context.target.registry &&
    job.sourceRepository !== targetRepository;
  const mountFrom =
    context.ledger.holderOtherThan(descriptor.digest, targetRepository) ??
    (sameRegistry ? job.sourceRepository : undefined);
  const outcome = await context.transfers.run(
    () =>
      transferBlob({
        source: context.source,
        sourceRepository: job.sourceRepository,
        target: context.target,
        targetRepository,
        descriptor,
        mountFrom,
        open: context.openSource && (() => context.openSource!(descriptor, signal)),
        policy: context.upload,
        signal,
        onBytes: (bytesDone) => job.onState("transferring", bytesDone),
      }),
    signal,
  );
  context.ledger.record(descriptor.digest, targetRepository);
  if (outcome.kind === "mounted") {
    job.onState("mounted", descriptor.size, outcome.from);
    return "mounted";
  }
  job.onState("done", descriptor.size);
  return "done";
}
