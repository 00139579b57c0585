import "server-only";
import { appendTo } from "@/lib/append-to";
import { Prisma } from "@/lib/db/generated/client";
import type { Db, Tx } from "@/lib/db/prisma";
import type { SbomSummary } from "@/lib/oci/find-sboms";
import { storedDrift } from "@/lib/promotions/promotion-drift";
import { readSignaturePolicy, type SignaturePolicy } from "@/lib/signatures/signature-policy.schema";
import type { ImageSignature, ReleaseView, TargetState } from "./channel-view";
import { currentCheck, policyKey, type SignatureSetup } from "./signature-policy";
import { getTrustedRoot } from "./trusted-root-setting";

// A bundle release's referrers are the export's, not the page's.
const releaseInclude = {
  images: { orderBy: { repository: "asc" }, omit: { referrers: true } },
} satisfies Prisma.ReleaseInclude;

type ReleaseRow = Prisma.ReleaseGetPayload<{ include: typeof releaseInclude }>;

/** One pushed image (or, with no component, only the promotion) of a release at a target. */
interface TargetRow {
  releaseId: string;
  targetRegistryId: string;
  registryName: string;
  component: string | null;
  digest: string | null;
}

/** Per release, per target: the components the drift watch found moved or gone at its latest succeeded promotion. */
type DriftByTarget = Map<string, Map<string, string[]>>;

/**
 * The releases of several channels (or of every channel, `"all"`), newest first by each
 * channel's ordering, in two rounds of queries however many channels, releases and promotions
 * there are: the newest `limit` ids per channel, then the releases, their images, where they
 * were promoted and the drift found there, side by side. (The Releases page asked per
 * channel, and loaded every promotion's every image to say where a release is; under load each
 * round waits its turn behind every other request, so the rounds count more than the queries.)
 * Sort keys are compared byte-wise (`COLLATE "C"`: code point order, as compareKeys does for
 * the keys' ASCII) rather than in the database's collation, which may not be byte order.
 * Channels that do not exist are left out; with `"all"`, so are channels with no release.
 */
export async function listChannelReleases(
  client: Db | Tx,
  channelIds: readonly string[] | "all",
  options: {
    limit?: number;
    /** The channels' policies when the caller reads the channels anyway (the Releases page, beside this). */
    channels?: PromiseLike<readonly KnownChannel[]>;
  } = {},
): Promise<Map<string, ReleaseView[]>> {
  const byChannel = new Map<string, ReleaseView[]>();
  if (channelIds !== "all" && channelIds.length === 0) return byChannel;
  const newestIds = client.$queryRaw<{ id: string; channelId: string }[]>`
    SELECT id, "channelId" FROM (
      SELECT id, "channelId",
             row_number() OVER (PARTITION BY "channelId" ORDER BY "sortKey" COLLATE "C" DESC) AS n
      FROM "Release"
      ${channelIds === "all" ? Prisma.empty : Prisma.sql`WHERE "channelId" = ANY(${[...channelIds]})`}
    ) ranked
    WHERE ${options.limit === undefined ? Prisma.sql`TRUE` : Prisma.sql`n <= ${options.limit}`}
    ORDER BY "channelId", n`;
  const [newest, known] = await Promise.all([newestIds, options.channels]);
  const shown = new Map<string, string[]>(channelIds === "all" ? [] : channelIds.map((id) => [id, []]));
  for (const { id, channelId } of newest) appendTo(shown, channelId, id);
  const ids = newest.map((row) => row.id);
  const [releases, images, targets, drift, setups] = await Promise.all([
    client.release.findMany({ where: { id: { in: ids } } }),
    client.releaseImage.findMany({
      where: { releaseId: { in: ids } },
      orderBy: { repository: "asc" },
      omit: { referrers: true },
    }),
    loadReleaseTargets(client, ids),
    loadReleaseDrift(client, ids),
    loadSignatureSetups(client, [...shown.keys()], known),
  ]);
  const imagesOf = new Map<string, ReleaseRow["images"]>();
  for (const image of images) appendTo(imagesOf, image.releaseId, image);
  const byId = new Map(releases.map((release) => [release.id, { ...release, images: imagesOf.get(release.id) ?? [] }]));
  for (const [channelId, releaseIds] of shown) {
    const setup = setups.get(channelId);
    if (!setup) continue;
    byChannel.set(
      channelId,
      releaseIds.flatMap((id) => {
        const row = byId.get(id);
        return row ? [toReleaseView(row, setup, targets.get(id) ?? [], drift.get(id))] : [];
      }),
    );
  }
  return byChannel;
}

/** One release as the releases page shows it, or null. */
export async function getReleaseView(client: Db | Tx, id: string): Promise<ReleaseView | null> {
  const row = await client.release.findUnique({ where: { id }, include: releaseInclude });
  if (!row) return null;
  const [targets, drift, setups] = await Promise.all([
    loadReleaseTargets(client, [id]),
    loadReleaseDrift(client, [id]),
    loadSignatureSetups(client, [row.channelId]),
  ]);
  const setup = setups.get(row.channelId);
  return setup ? toReleaseView(row, setup, targets.get(id) ?? [], drift.get(id)) : null;
}

/** Every target each release was promoted to, with the images pushed there: one query, distinct rows. */
async function loadReleaseTargets(client: Db | Tx, releaseIds: string[]): Promise<Map<string, TargetRow[]>> {
  const byRelease = new Map<string, TargetRow[]>();
  if (releaseIds.length === 0) return byRelease;
  const rows = await client.$queryRaw<TargetRow[]>`
    SELECT DISTINCT p."releaseId", p."targetRegistryId", r.name AS "registryName",
           i.component, COALESCE(i."targetDigest", i.digest) AS digest
    FROM "Promotion" p
    JOIN "Registry" r ON r.id = p."targetRegistryId"
    LEFT JOIN "PromotionImage" i ON i."promotionId" = p.id AND i.status = 'pushed'
    WHERE p."releaseId" = ANY(${releaseIds})`;
  for (const row of rows) appendTo(byRelease, row.releaseId, row);
  return byRelease;
}

/** The drift found at each release's latest succeeded promotion per target: one query. */
async function loadReleaseDrift(client: Db | Tx, releaseIds: string[]): Promise<DriftByTarget> {
  const byRelease: DriftByTarget = new Map();
  if (releaseIds.length === 0) return byRelease;
  const latest = await client.promotion.findMany({
    where: { releaseId: { in: releaseIds }, status: "succeeded" },
    orderBy: { createdAt: "desc" },
    distinct: ["releaseId", "targetRegistryId"],
    select: { releaseId: true, targetRegistryId: true, drift: true },
  });
  for (const promotion of latest) {
    const targets = byRelease.get(promotion.releaseId) ?? new Map<string, string[]>();
    targets.set(
      promotion.targetRegistryId,
      storedDrift(promotion.drift).map((entry) => entry.component),
    );
    byRelease.set(promotion.releaseId, targets);
  }
  return byRelease;
}

/** A channel whose signature policy the caller has already read. */
interface KnownChannel {
  id: string;
  name: string;
  policy: SignaturePolicy;
}

/**
 * loadSignatureSetup for many channels: one query for the channels (none when the caller
 * already has them), the trusted root once if a policy is keyless.
 */
async function loadSignatureSetups(
  client: Db | Tx,
  channelIds: readonly string[],
  known?: readonly KnownChannel[],
): Promise<Map<string, SignatureSetup>> {
  if (channelIds.length === 0) return new Map();
  const wanted = new Set(channelIds);
  const policies: readonly KnownChannel[] = known
    ? known.filter((channel) => wanted.has(channel.id))
    : (
        await client.releaseChannel.findMany({
          where: { id: { in: [...channelIds] } },
          select: { id: true, name: true, signaturePolicy: true },
        })
      ).map((channel) => ({
        id: channel.id,
        name: channel.name,
        policy: readSignaturePolicy(channel.signaturePolicy),
      }));
  const trustedRoot = policies.some((channel) => channel.policy.mode === "keyless")
    ? await getTrustedRoot(client)
    : null;
  return new Map(
    policies.map((channel) => {
      const root = channel.policy.mode === "keyless" ? trustedRoot : null;
      return [
        channel.id,
        { channelName: channel.name, policy: channel.policy, trustedRoot: root, key: policyKey(channel.policy, root) },
      ];
    }),
  );
}

function toReleaseView(
  row: ReleaseRow,
  setup: SignatureSetup,
  targets: TargetRow[],
  drift: Map<string, string[]> = new Map(),
): ReleaseView {
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
    targets: targetsOf(row, targets, drift),
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
function targetsOf(row: ReleaseRow, rows: TargetRow[], drift: Map<string, string[]>): ReleaseView["targets"] {
  const targets = new Map<string, { registryName: string; present: Set<string> }>();
  const digests = new Map(row.images.map((image) => [image.repository, image.digest]));
  for (const pushed of rows) {
    const target = targets.get(pushed.targetRegistryId) ?? { registryName: pushed.registryName, present: new Set() };
    targets.set(pushed.targetRegistryId, target);
    if (pushed.component && digests.get(pushed.component) === pushed.digest) target.present.add(pushed.component);
  }
  return [...targets.entries()]
    .map(([registryId, { registryName, present }]) => ({
      registryId,
      registryName,
      state: (present.size === 0 ? "absent" : present.size >= digests.size ? "pushed" : "partial") as TargetState,
      drifted: drift.get(registryId) ?? [],
    }))
    .sort((a, b) => a.registryName.localeCompare(b.registryName));
}
