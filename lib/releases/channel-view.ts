import "server-only";
import { NotFoundError } from "@/lib/change/errors";
import type { Prisma } from "@/lib/db/generated/client";
import { db, type Db, type Tx } from "@/lib/db/prisma";
import type { SbomSummary } from "@/lib/oci/find-sboms";
import { readSignaturePolicy, type SignaturePolicy } from "@/lib/signatures/signature-policy.schema";
import { listChannelReleases, getReleaseView } from "./release-view";
import { describePolicy } from "./signature-policy";
import type { TagOrdering } from "./tag-ordering";

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

/** A channel's releases, newest first by the channel's ordering (see listChannelReleases). */
export async function listReleases(
  channelId: string,
  options: { limit?: number; client?: Db | Tx } = {},
): Promise<ReleaseView[]> {
  const client = options.client ?? db();
  const releases = await listChannelReleases(client, [channelId], options);
  const found = releases.get(channelId);
  if (!found) throw noChannel(channelId);
  return found;
}

/**
 * The newest `limit` releases of every channel, by channel id, for the Releases page: it reads
 * the channels beside this (`channels`), which lends their signature policies instead of a
 * second read of them.
 */
export function listReleasesOfEveryChannel(
  channels: Promise<ChannelView[]>,
  options: { limit: number },
): Promise<Map<string, ReleaseView[]>> {
  return listChannelReleases(db(), "all", {
    ...options,
    channels: channels.then((list) => list.map((c) => ({ id: c.id, name: c.name, policy: c.signaturePolicy }))),
  });
}

/** One release as the releases page shows it, or null. */
export function getRelease(id: string): Promise<ReleaseView | null> {
  return getReleaseView(db(), id);
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
