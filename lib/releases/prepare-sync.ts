import "server-only";
import { isUserError, UserError } from "@/lib/change/errors";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { loadConnection } from "@/lib/connections/load-connection";
import { recordConnectionUse } from "@/lib/connections/record-connection-use";
import { db } from "@/lib/db/prisma";
import { noChannel } from "./channel-view";
import { checkReleaseSignatures, type CheckedImage, type ImageToCheck } from "./check-release-signatures";
import { detectReleaseSboms, type DetectedSboms } from "./detect-release-sboms";
import { discoverReleases, SyncFailure, type Discovery, type DiscoveryChannel } from "./discover-releases";
import { currentCheck, loadSignatureSetup } from "./signature-policy";

/** What the transaction of a sync starts from: the channel as it was read, and what the registry said. */
export interface PreparedSync {
  channel: DiscoveryChannel & { id: string; sourceRegistryId: string };
  discovery: Discovery;
  /** Signature checks of release images made by this sync (policy on, and no current check stored). */
  signatures: CheckedImage[];
  /** SBOMs and attestations found for release images not looked at before (new digests, or never). */
  sboms: DetectedSboms[];
}

/** How long one sync may talk to the registry. */
const SYNC_TIMEOUT_MS = 5 * 60_000;

/**
 * The slow half of a sync, outside any transaction: marks the channel syncing, asks the
 * registry, and on failure stores the one-line reason on the channel in a small transaction
 * of its own — the change itself fails, but the channel must still say why.
 */
export async function prepareSync(channelId: string, options: { signal?: AbortSignal } = {}): Promise<PreparedSync> {
  const row = await db().releaseChannel.findUnique({
    where: { id: channelId },
    include: {
      releases: { include: { images: { select: { repository: true, digest: true, signature: true, sboms: true } } } },
      sourceRegistry: { select: { name: true } },
    },
  });
  if (!row) throw noChannel(channelId);
  if (!row.sourceRegistryId || !row.sourceRegistry)
    throw new UserError(
      `channel ${row.name} takes its releases from bundle files: import a bundle instead of syncing`,
      undefined,
      409,
    );
  const sourceRegistryId = row.sourceRegistryId;
  // Shown while the registry answers; the sync's own transaction or recordSyncFailure ends it.
  await db().releaseChannel.update({ where: { id: row.id }, data: { syncState: "syncing" } });

  const channel = {
    id: row.id,
    name: row.name,
    sourceRegistryId,
    components: row.components,
    tagPattern: row.tagPattern,
    ordering: row.ordering,
  };
  const signal = options.signal
    ? AbortSignal.any([options.signal, AbortSignal.timeout(SYNC_TIMEOUT_MS)])
    : AbortSignal.timeout(SYNC_TIMEOUT_MS);
  try {
    const { connection } = await loadConnection(sourceRegistryId);
    const known = row.releases.map((release) => ({
      tag: release.tag,
      sortKey: release.sortKey,
      digests: Object.fromEntries(release.images.map((image) => [image.repository, image.digest])),
    }));
    const discovery = await discoverReleases({
      channel,
      connection,
      registryName: row.sourceRegistry.name,
      known,
      signal,
    });
    const setup = await loadSignatureSetup(row.id);
    const stored = new Map(
      row.releases.flatMap((release) =>
        release.images.map((image) => [`${release.tag}\n${image.repository}\n${image.digest}`, image.signature]),
      ),
    );
    const resolved: ImageToCheck[] = discovery.releases.flatMap((release) => {
      const images =
        release.images ??
        Object.entries(known.find((k) => k.tag === release.tag)?.digests ?? {}).map(([repository, digest]) => ({
          repository,
          digest,
        }));
      return images.map((image) => ({ tag: release.tag, repository: image.repository, digest: image.digest }));
    });
    const keyOf = (image: ImageToCheck) => `${image.tag}\n${image.repository}\n${image.digest}`;
    const toCheck = resolved.filter((image) => currentCheck(stored.get(keyOf(image)), setup)?.status !== "verified");
    const sbomsStored = new Set(
      row.releases.flatMap((release) =>
        release.images
          .filter((image) => image.sboms !== null)
          .map((image) => `${release.tag}\n${image.repository}\n${image.digest}`),
      ),
    );
    const [signatures, sboms] = await Promise.all([
      checkReleaseSignatures({ connection, setup, images: toCheck, signal }),
      detectReleaseSboms({ connection, images: resolved.filter((image) => !sbomsStored.has(keyOf(image))), signal }),
    ]);
    await recordConnectionUse(row.sourceRegistryId, { by: "sync", ok: true });
    return { channel, discovery, signatures, sboms };
  } catch (error) {
    const reason =
      error instanceof SyncFailure || isUserError(error)
        ? error.message
        : `unexpected failure (${error instanceof Error ? error.name : typeof error}); see the server log`;
    await recordSyncFailure(row.id, reason);
    // An aborted sync (the worker stopping) says nothing about the registry.
    if (error instanceof SyncFailure && !signal.aborted)
      await recordConnectionUse(row.sourceRegistryId, { by: "sync", ok: false, error: reason });
    if (!(error instanceof SyncFailure) && !isUserError(error)) throw error;
    throw new UserError(`sync of channel ${row.name} failed: ${reason}`, undefined, 502);
  }
}

/**
 * Stores a failed sync on the channel. Audited only when the reason is new, so a channel
 * failing the same way every interval does not flood the trail.
 */
export async function recordSyncFailure(channelId: string, reason: string): Promise<void> {
  await db().$transaction(async (tx) => {
    const before = await tx.releaseChannel.findUnique({ where: { id: channelId }, select: { lastSyncError: true } });
    if (!before) return;
    await tx.releaseChannel.update({
      where: { id: channelId },
      data: { syncState: "failed", lastSyncAt: new Date(), lastSyncError: reason },
    });
    if (before.lastSyncError !== reason) {
      await recordAuditEvent(tx, {
        action: "channel.sync_failed",
        targetType: "channel",
        targetId: channelId,
        detail: { before: { lastSyncError: before.lastSyncError }, after: { lastSyncError: reason } },
      });
    }
  });
}
