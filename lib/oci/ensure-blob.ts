import type { Readable } from "node:stream";
import { transferBlob } from "./blob-upload";
import type { Digest } from "./digest";
import type { Limiter } from "./limiter";
import type { Descriptor } from "./manifest";
import type { BlobOutcome, BlobState } from "./progress";
import type { RegistryClient } from "./registry-client";
import { headBlob } from "./remote-blob";
import type { UploadPolicy } from "./upload-strategy";

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

  /**
   * Where the target can mount the blob from instead of receiving it: another target
   * repository known to hold it, else, when source and target are one registry, the source
   * repository itself. The one place copies and plans decide it.
   */
  mountSource(digest: Digest, at: MountCandidates): string | undefined {
    const holder = [...(this.holders.get(digest) ?? [])].find((r) => r !== at.targetRepository);
    if (holder) return holder;
    // Bytes read from elsewhere (a bundle file) have no source repository on the target registry.
    const sameRegistry =
      !at.openSource && at.source.registry === at.target.registry && at.sourceRepository !== at.targetRepository;
    return sameRegistry ? at.sourceRepository : undefined;
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

export interface MountCandidates {
  source: Pick<RegistryClient, "registry">;
  target: Pick<RegistryClient, "registry">;
  sourceRepository: string;
  targetRepository: string;
  openSource?: unknown;
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

// Waiting for another image's transfer, then re-checking, ends after a few rounds even if
// transfers keep failing: the last round transfers itself.
const MAX_ROUNDS = 4;

/** Makes sure the target repository has the blob, moving as few bytes as possible. */
export async function ensureBlob(context: BlobContext, job: EnsureBlobJob): Promise<BlobOutcome> {
  const { ledger } = context;
  const { digest } = job.descriptor;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    if (ledger.holds(digest, job.targetRepository)) {
      job.onState("present", job.descriptor.size);
      return "present";
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
    job.onState("present", descriptor.size);
    return "present";
  }
  const mountFrom = context.ledger.mountSource(descriptor.digest, { ...context, ...job });
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
  job.onState("uploaded", descriptor.size);
  return "uploaded";
}
