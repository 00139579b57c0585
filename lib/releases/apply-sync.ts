import "server-only";
import { isDeepStrictEqual } from "node:util";
import { UserError } from "@/lib/change/errors";
import type { AuditInput } from "@/lib/audit/record-audit-event";
import type { Prisma } from "@/lib/db/generated/client";
import type { Tx } from "@/lib/db/prisma";
import { noChannel } from "./channel-view";
import type { DiscoveredImage } from "./discover-releases";
import type { PreparedSync } from "./prepare-sync";
import { compareKeys } from "./tag-ordering";

export interface SyncSummary {
  channelId: string;
  /** Tags stored for the first time by this sync. */
  newReleases: string[];
  /** Known releases whose component digests moved upstream. */
  digestChanges: { tag: string; repository: string; before: string; after: string }[];
  latest: string | null;
  previousLatest: string | null;
  /** Tags resolved this sync (at most MAX_TAGS_RESOLVED_PER_SYNC). */
  resolved: number;
  /** Older matching tags left alone because of that cap. */
  skipped: number;
  incomplete: { tag: string; missingIn: string[] }[];
  excluded: { tag: string; reason: string }[];
  /** Release images this sync found unsigned or with no valid signature under the channel's policy. */
  signatureProblems: { tag: string; repository: string; status: string; reason: string | null }[];
}

/**
 * The short half of a sync, in one transaction: stores new releases, follows moved digests
 * (audited as release.digest_changed with before/after: approvals bound to the old digest
 * must not carry over), marks exactly one release latest — the highest present upstream —
 * and records the sync on the channel. Concurrent syncs of one channel queue on its row.
 */
export async function applySync(
  tx: Tx,
  audit: (event: AuditInput) => Promise<void>,
  prepared: PreparedSync,
  options: { auditUnchanged: boolean },
): Promise<SyncSummary> {
  const { channel, discovery } = prepared;
  await tx.$queryRaw`SELECT id FROM "ReleaseChannel" WHERE id = ${channel.id} FOR UPDATE`;
  const now = await tx.releaseChannel.findUnique({ where: { id: channel.id } });
  if (!now) throw noChannel(channel.id);
  const same = {
    sourceRegistryId: now.sourceRegistryId,
    components: now.components,
    tagPattern: now.tagPattern,
    ordering: now.ordering,
  };
  const asPrepared = {
    sourceRegistryId: channel.sourceRegistryId,
    components: channel.components,
    tagPattern: channel.tagPattern,
    ordering: channel.ordering,
  };
  if (!isDeepStrictEqual(same, asPrepared))
    throw new UserError(`channel ${now.name} was edited while it synced; sync again`, undefined, 409);

  const stored = await tx.release.findMany({ where: { channelId: channel.id }, include: { images: true } });
  const byTag = new Map(stored.map((release) => [release.tag, release]));
  const previousLatest = stored.find((release) => release.latest)?.tag ?? null;
  const newReleases: string[] = [];
  const digestChanges: SyncSummary["digestChanges"] = [];

  for (const found of discovery.releases) {
    const existing = byTag.get(found.tag);
    if (!found.images) continue;
    if (!existing) {
      const created = await tx.release.create({
        data: {
          channelId: channel.id,
          tag: found.tag,
          sortKey: found.sortKey,
          images: { create: found.images.map(imageData) },
        },
        include: { images: true },
      });
      byTag.set(found.tag, created);
      newReleases.push(found.tag);
      continue;
    }
    for (const image of found.images) {
      const before = existing.images.find((row) => row.repository === image.repository);
      if (before?.digest === image.digest) continue;
      await tx.releaseImage.upsert({
        where: { releaseId_repository: { releaseId: existing.id, repository: image.repository } },
        create: { releaseId: existing.id, ...imageData(image) },
        update: imageData(image),
      });
      digestChanges.push({
        tag: found.tag,
        repository: image.repository,
        before: before?.digest ?? "",
        after: image.digest,
      });
      await audit({
        action: "release.digest_changed",
        targetType: "release",
        targetId: existing.id,
        detail: {
          channel: now.name,
          tag: found.tag,
          repository: image.repository,
          before: { digest: before?.digest ?? null },
          after: { digest: image.digest },
        },
      });
    }
    if (existing.sortKey !== found.sortKey)
      await tx.release.update({ where: { id: existing.id }, data: { sortKey: found.sortKey } });
    byTag.set(found.tag, { ...existing, sortKey: found.sortKey });
  }

  for (const checked of prepared.signatures) {
    const release = byTag.get(checked.tag);
    if (!release) continue;
    await tx.releaseImage.updateMany({
      where: { releaseId: release.id, repository: checked.repository, digest: checked.digest },
      data: { signature: checked.check as unknown as Prisma.InputJsonObject },
    });
  }
  for (const found of prepared.sboms) {
    const release = byTag.get(found.tag);
    if (!release) continue;
    await tx.releaseImage.updateMany({
      where: { releaseId: release.id, repository: found.repository, digest: found.digest },
      data: { sboms: found.sboms as unknown as Prisma.InputJsonArray },
    });
  }
  const signatureProblems = prepared.signatures
    .filter((checked) => checked.check.status !== "verified")
    .map((checked) => ({
      tag: checked.tag,
      repository: checked.repository,
      status: checked.check.status,
      reason: checked.check.reason,
    }))
    .slice(0, 20);

  const present = new Set(discovery.presentTags);
  const newest = [...byTag.values()]
    .filter((release) => present.has(release.tag))
    .sort((a, b) => compareKeys(b.sortKey, a.sortKey))[0];
  await tx.release.updateMany({
    where: { channelId: channel.id, latest: true, ...(newest ? { id: { not: newest.id } } : {}) },
    data: { latest: false },
  });
  if (newest) await tx.release.update({ where: { id: newest.id }, data: { latest: true } });
  await tx.releaseChannel.update({
    where: { id: channel.id },
    data: { syncState: "idle", lastSyncAt: new Date(), lastSyncError: null },
  });

  const summary: SyncSummary = {
    channelId: channel.id,
    newReleases,
    digestChanges,
    latest: newest?.tag ?? null,
    previousLatest,
    resolved: discovery.releases.length,
    skipped: discovery.skipped,
    incomplete: discovery.incomplete.slice(0, 20),
    excluded: discovery.excluded.slice(0, 20),
    signatureProblems,
  };
  const detail = {
    newReleases,
    latest: { before: previousLatest, after: summary.latest },
    resolved: summary.resolved,
    skipped: summary.skipped,
    ...(signatureProblems.length > 0 ? { signatureProblems } : {}),
  };
  if (newReleases.length > 0 || previousLatest !== summary.latest)
    await audit({ action: "channel.synced", targetType: "channel", targetId: channel.id, detail });
  else if (options.auditUnchanged)
    await audit({ action: "channel.checked", targetType: "channel", targetId: channel.id, detail });
  return summary;
}

function imageData(image: DiscoveredImage) {
  return {
    repository: image.repository,
    digest: image.digest,
    mediaType: image.mediaType,
    platforms: image.platforms,
    size: BigInt(image.size),
  };
}
