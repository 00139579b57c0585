import "server-only";
import { NotFoundError } from "@/lib/change/errors";
import type { Prisma } from "@/lib/db/generated/client";
import { db, type Db, type Tx } from "@/lib/db/prisma";
import type { SbomSummary } from "@/lib/oci/find-sboms";
import { storedDrift } from "@/lib/promotions/promotion-drift";
import { readSignaturePolicy, type SignaturePolicy } from "@/lib/signatures/signature-policy.schema";
import { currentCheck, describePolicy, loadSignatureSetup, type SignatureSetup } from "./signature-policy";
import { compareKeys, type TagOrdering } from "./tag-ordering";

/** A channel as pages and /api/v1 show it. */
export interface ChannelView {
  id: string;
  name: string;
  /** `bundle`: releases arrive as imported bundle files (gantry bundle import --channel, the Bundles page). */
  sourceKind: "registry" | "bundle";
  /** null for a bundle channel. */
  sourceRegistry: { id: string; name: string; endpoint: string } | null;
  components: string[];
  tagPattern: string;
  ordering: TagOrdering;
  /** 0: synced only on demand. */
  syncIntervalMinutes: number;
  /** Promotions copy cosign signature/attestation/SBOM tags and OCI referrers with each image. */
  copySignatures: boolean;
  syncState: "idle" | "syncing" | "failed";
  lastSyncAt: string | null;
  /** One line saying which component or tag failed and why; null after a good sync. */
  lastSyncError: string | null;
  releaseCount: number;
  latest: { id: string; tag: string } | null;
  signaturePolicy: SignaturePolicy;
  /** The policy in a few words ("off", "keys SHA256:…", "keyless <issuer> <subject>"). */
  signaturePolicySummary: string;
  createdAt: string;
  updatedAt: string;
}

export type TargetState = "pushed" | "partial" | "absent";

export interface ImageSignature {
  status: "verified" | "unsigned" | "invalid";
  signers: string[];
  reason: string | null;
  checkedAt: string;
}

export interface ReleaseView {
  id: string;
  channelId: string;
  tag: string;
  latest: boolean;
  discoveredAt: string;
  images: {
    repository: string;
    digest: string;
    size: number;
    mediaType: string;
    platforms: string[];
    /** Under the channel's current policy; null when the policy is off or the image was not checked under it yet. */
    signature: ImageSignature | null;
    /** SBOMs and attestations found at sync ([] none; null: not looked for yet). */
    sboms: SbomSummary[] | null;
  }[];
  /**
   * Per target connection with any promotion of this release: are its images there at these
   * digests? `drifted`: components whose tag the drift watch found moved or gone since the
   * latest succeeded promotion of this release there.
   */
  targets: { registryId: string; registryName: string; state: TargetState; drifted: string[] }[];
}

const channelSelect = {
  id: true,
  name: true,
  sourceKind: true,
  components: true,
  tagPattern: true,
  ordering: true,
  syncIntervalMinutes: true,
  copySignatures: true,
  syncState: true,
  lastSyncAt: true,
  lastSyncError: true,
  createdAt: true,
  updatedAt: true,
  signaturePolicy: true,
  sourceRegistry: { select: { id: true, name: true, endpoint: true } },
  releases: { where: { latest: true }, select: { id: true, tag: true }, take: 1 },
  _count: { select: { releases: true } },
} satisfies Prisma.ReleaseChannelSelect;

type ChannelRow = Prisma.ReleaseChannelGetPayload<{ select: typeof channelSelect }>;

/** Every channel, by name. */
export async function listChannels(): Promise<ChannelView[]> {
  const rows = await db().releaseChannel.findMany({ orderBy: { name: "asc" }, select: channelSelect });
  return rows.map(toChannelView);
}

/** One channel, or null when there is none with this id. */
export async function getChannel(id: string): Promise<ChannelView | null> {
  const row = await db().releaseChannel.findUnique({ where: { id }, select: channelSelect });
  return row ? toChannelView(row) : null;
}

/** One channel; a 404 UserError naming the id when there is none. */
export async function getChannelOrThrow(id: string): Promise<ChannelView> {
  const channel = await getChannel(id);
  if (!channel) throw noChannel(id);
  return channel;
}

/** The view of a channel through a given client (inside a change's transaction); throws 404 when absent. */
export async function readChannelView(client: Db | Tx, id: string): Promise<ChannelView> {
  const row = await client.releaseChannel.findUnique({ where: { id }, select: channelSelect });
  if (!row) throw noChannel(id);
  return toChannelView(row);
}

export function noChannel(id: string): NotFoundError {
  return new NotFoundError(`id: no release channel ${JSON.stringify(id.slice(0, 40))}`);
}

const releaseInclude = {
  images: { orderBy: { repository: "asc" } },
  promotions: {
    select: {
      targetRegistryId: true,
      status: true,
      createdAt: true,
      drift: true,
      targetRegistry: { select: { name: true } },
      images: { select: { component: true, status: true, digest: true, targetDigest: true } },
    },
  },
} satisfies Prisma.ReleaseInclude;

type ReleaseRow = Prisma.ReleaseGetPayload<{ include: typeof releaseInclude }>;

/**
 * A channel's releases, newest first by the channel's ordering. Sort keys are compared by
 * code point here rather than by the database, whose collation may not be byte order.
 */
export async function listReleases(
  channelId: string,
  options: { limit?: number; client?: Db | Tx } = {},
): Promise<ReleaseView[]> {
  const client = options.client ?? db();
  const channel = await client.releaseChannel.findUnique({ where: { id: channelId }, select: { id: true } });
  if (!channel) throw noChannel(channelId);
  const keys = await client.release.findMany({ where: { channelId }, select: { id: true, sortKey: true } });
  const ids = keys
    .sort((a, b) => compareKeys(b.sortKey, a.sortKey))
    .slice(0, options.limit ?? keys.length)
    .map((row) => row.id);
  const rows = await client.release.findMany({ where: { id: { in: ids } }, include: releaseInclude });
  const setup = await loadSignatureSetup(channelId, client);
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [toReleaseView(row, setup)] : [];
  });
}

/** One release as the releases page shows it, or null. */
export async function getRelease(id: string): Promise<ReleaseView | null> {
  const row = await db().release.findUnique({ where: { id }, include: releaseInclude });
  return row ? toReleaseView(row, await loadSignatureSetup(row.channelId)) : null;
}

/** A sync talks to the registry for at most 5 minutes; one "syncing" for longer than this never finished. */
const STALE_SYNC_MS = 10 * 60_000;

function toChannelView(row: ChannelRow): ChannelView {
  const latest = row.releases[0];
  // The state is set before the registry is asked and cleared by the sync's transaction; a
  // process that died in between (or a transaction that rolled back) leaves it behind.
  const stale = row.syncState === "syncing" && Date.now() - row.updatedAt.getTime() > STALE_SYNC_MS;
  return {
    id: row.id,
    name: row.name,
    sourceKind: row.sourceKind,
    sourceRegistry: row.sourceRegistry,
    components: row.components,
    tagPattern: row.tagPattern,
    ordering: row.ordering,
    syncIntervalMinutes: row.syncIntervalMinutes,
    copySignatures: row.copySignatures,
    syncState: stale ? "failed" : row.syncState,
    lastSyncAt: row.lastSyncAt?.toISOString() ?? null,
    lastSyncError: stale
      ? "the last sync did not finish (the server stopped, or the channel was edited meanwhile); sync again"
      : row.lastSyncError,
    releaseCount: row._count.releases,
    latest: latest ? { id: latest.id, tag: latest.tag } : null,
    signaturePolicy: readSignaturePolicy(row.signaturePolicy),
    signaturePolicySummary: describePolicy(readSignaturePolicy(row.signaturePolicy)),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function toReleaseView(row: ReleaseRow, setup: SignatureSetup): ReleaseView {
  return {
    id: row.id,
    channelId: row.channelId,
    tag: row.tag,
    latest: row.latest,
    discoveredAt: row.discoveredAt.toISOString(),
    images: row.images.map((image) => ({
      repository: image.repository,
      digest: image.digest,
      size: Number(image.size),
      mediaType: image.mediaType,
      platforms: image.platforms,
      signature: signatureOf(image.signature, setup),
      sboms: Array.isArray(image.sboms) ? (image.sboms as unknown as SbomSummary[]) : null,
    })),
    targets: targetsOf(row),
  };
}

function signatureOf(stored: unknown, setup: SignatureSetup): ImageSignature | null {
  const check = currentCheck(stored, setup);
  return check
    ? { status: check.status, signers: check.signers, reason: check.reason, checkedAt: check.checkedAt }
    : null;
}

/**
 * A release image counts as present at a target when some promotion of this release to that
 * target pushed it at the release's digest; all present → pushed, some → partial.
 */
function targetsOf(row: ReleaseRow): ReleaseView["targets"] {
  const targets = new Map<
    string,
    { registryName: string; present: Set<string>; latestSucceeded: Date | null; drifted: string[] }
  >();
  const digests = new Map(row.images.map((image) => [image.repository, image.digest]));
  for (const promotion of row.promotions) {
    const target = targets.get(promotion.targetRegistryId) ?? {
      registryName: promotion.targetRegistry.name,
      present: new Set<string>(),
      latestSucceeded: null,
      drifted: [],
    };
    targets.set(promotion.targetRegistryId, target);
    if (promotion.status === "succeeded" && (!target.latestSucceeded || promotion.createdAt > target.latestSucceeded)) {
      target.latestSucceeded = promotion.createdAt;
      target.drifted = storedDrift(promotion.drift).map((entry) => entry.component);
    }
    for (const image of promotion.images) {
      const expected = digests.get(image.component);
      if (image.status === "pushed" && expected && (image.targetDigest ?? image.digest) === expected)
        target.present.add(image.component);
    }
  }
  return [...targets.entries()]
    .map(([registryId, { registryName, present, drifted }]) => ({
      registryId,
      registryName,
      state: (present.size === 0 ? "absent" : present.size >= digests.size ? "pushed" : "partial") as TargetState,
      drifted,
    }))
    .sort((a, b) => a.registryName.localeCompare(b.registryName));
}
