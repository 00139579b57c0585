import "server-only";
import { appendTo } from "@/lib/append-to";
import { Prisma } from "@/lib/db/generated/client";
import { db } from "@/lib/db/prisma";
import { storedDrift, type PromotionDrift } from "./promotion-drift";
import type { PlannedSignature, PromotionPlan } from "./promotion-plan";
import { mappingOf, type RepositoryMapping } from "./repository-mapping";
import { ALREADY_THERE_SQL, promotionListWhere } from "./promotion-list";
import { listPromotionsSchema, type ListPromotionsInput } from "./promotion.schema";

export type PromotionStatus =
  "awaiting_approval" | "rejected" | "withdrawn" | "queued" | "running" | "succeeded" | "failed" | "stopped";
export type PromotionImageStatus = "pending" | "pushing" | "pushed" | "stopped" | "failed";

export interface PromotionLayerView {
  digest: string;
  size: number;
  /** checking | present | mounted | transferring | uploaded | failed (lib/oci BlobState) */
  state: string;
  bytesDone: number;
}

export interface PromotionImageView {
  id: string;
  component: string;
  source: string;
  target: string;
  digest: string;
  targetDigest: string | null;
  status: PromotionImageStatus;
  bytesDone: number;
  bytesTotal: number;
  /** Of bytesDone, what the target had before this promotion moved anything of it (see alreadyThere). */
  bytesAlreadyThere: number;
  blobsDone: number;
  blobsTotal: number;
  layers: PromotionLayerView[];
  /** cosign tags copied with the image, now at the target with these digests. */
  signatures: PlannedSignature[];
  failure: null | { kind: string; message: string };
  /** While pushing: why it waits ("rate limited by docker.io until 14:05 UTC"). */
  notice: string | null;
  attempts: number;
  startedAt: string | null;
  finishedAt: string | null;
  updatedAt: string;
}

export interface PromotionView {
  id: string;
  status: PromotionStatus;
  release: { id: string; tag: string; channelId: string; channelName: string };
  target: { id: string; name: string; endpoint: string };
  mapping: RepositoryMapping;
  plan: PromotionPlan | null;
  planHash: string | null;
  /** The requester's email; null when the user is gone or it came from the command line. */
  requestedBy: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** The drift watch's last look at the tags this promotion wrote (checkedAt null: not looked yet). */
  drift: PromotionDrift;
  /**
   * The "tags moved" step: images go to the target by digest, and the tags move all together
   * once every image is pushed and verified. Null until then (and for ever if it fails or stops).
   */
  tagsMovedAt: string | null;
  /** Why the tag step failed (the tags it had moved were put back); null otherwise. */
  tagsFailure: string | null;
  /** The tag that follows the release on every component (`stable`), or null. */
  movingTag: string | null;
  images: PromotionImageView[];
  totals: {
    bytesDone: number;
    bytesTotal: number;
    bytesAlreadyThere: number;
    blobsDone: number;
    blobsTotal: number;
    images: number;
    pushed: number;
    failed: number;
  };
}

/** The list row: the view without per-layer detail. */
export type PromotionSummary = Omit<PromotionView, "images"> & { images: Omit<PromotionImageView, "layers">[] };

/** What a promotion's view is built from: the columns of the promotion, its relations and its images. */
interface PromotionRow {
  id: string;
  status: PromotionStatus;
  repositoryMapping: Prisma.JsonValue;
  plan: Prisma.JsonValue;
  planHash: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  driftCheckedAt: Date | null;
  drift: Prisma.JsonValue;
  tagsMovedAt: Date | null;
  tagsFailure: string | null;
  movingTag: string | null;
  release: { id: string; tag: string; channelId: string; channel: { name: string } };
  targetRegistry: { id: string; name: string; endpoint: string };
  requestedBy: { email: string } | null;
  images: ImageRow[];
}

interface ImageRow {
  id: string;
  component: string;
  sourceRef: string;
  targetRef: string;
  digest: string;
  targetDigest: string | null;
  status: PromotionImageStatus;
  bytesDone: bigint;
  bytesTotal: bigint;
  blobsDone: number;
  blobsTotal: number;
  /** Only for one promotion's view; the list leaves the per-layer JSON in Postgres. */
  layers?: Prisma.JsonValue;
  signatures: Prisma.JsonValue;
  failureKind: string | null;
  failureMessage: string | null;
  notice: string | null;
  attempts: number;
  startedAt: Date | null;
  finishedAt: Date | null;
  updatedAt: Date;
}

type PromotionColumns = Omit<PromotionRow, "release" | "targetRegistry" | "requestedBy" | "images"> & {
  releaseId: string;
  releaseTag: string;
  channelId: string;
  channelName: string;
  targetId: string;
  targetName: string;
  targetEndpoint: string;
  requestedBy: string | null;
};

/**
 * The promotions `where` picks, with their release, channel, target and requester in one
 * joined query (Prisma's select would ask each relation in a round of its own).
 */
function promotionColumns(where: Prisma.Sql, limit: number): Promise<PromotionColumns[]> {
  return db().$queryRaw<PromotionColumns[]>`
    SELECT p.id, p.status::text AS status, p."repositoryMapping", p.plan, p."planHash", p."createdAt",
           p."startedAt", p."finishedAt", p."driftCheckedAt", p.drift, p."tagsMovedAt", p."tagsFailure",
           p."movingTag", r.id AS "releaseId", r.tag AS "releaseTag", r."channelId", ch.name AS "channelName",
           t.id AS "targetId", t.name AS "targetName", t.endpoint AS "targetEndpoint", u.email AS "requestedBy"
    FROM "Promotion" p
    JOIN "Release" r ON r.id = p."releaseId"
    JOIN "ReleaseChannel" ch ON ch.id = r."channelId"
    JOIN "Registry" t ON t.id = p."targetRegistryId"
    LEFT JOIN "User" u ON u.id = p."requestedById"
    ${where}
    ORDER BY p."createdAt" DESC, p.id DESC
    LIMIT ${limit}`;
}

/** The images of these promotions, by component; the kept manifest bytes are the tag step's, not the page's. */
function imageRows(
  promotionIds: string[],
  options: { layers: boolean },
): Promise<(ImageRow & { promotionId: string; bytesAlreadyThere?: number })[]> {
  // Without the layers, what each image found at the target comes back summed instead
  // (the rule of alreadyThere, in SQL).
  const extra = options.layers ? Prisma.sql`i.layers` : Prisma.sql`${ALREADY_THERE_SQL}::float8 AS "bytesAlreadyThere"`;
  return db().$queryRaw`
    SELECT i.id, i."promotionId", i.component, i."sourceRef", i."targetRef", i.digest, i."targetDigest",
           i.status::text AS status, i."bytesDone", i."bytesTotal", i."blobsDone", i."blobsTotal",
           i.signatures, i."failureKind"::text AS "failureKind", i."failureMessage", i.notice, i.attempts,
           i."startedAt", i."finishedAt", i."updatedAt", ${extra}
    FROM "PromotionImage" i WHERE i."promotionId" = ANY(${promotionIds})
    ORDER BY i.component ASC`;
}

function toPromotionRow(columns: PromotionColumns, images: ImageRow[]): PromotionRow {
  const { releaseId, releaseTag, channelId, channelName, targetId, targetName, targetEndpoint, requestedBy, ...rest } =
    columns;
  return {
    ...rest,
    release: { id: releaseId, tag: releaseTag, channelId, channel: { name: channelName } },
    targetRegistry: { id: targetId, name: targetName, endpoint: targetEndpoint },
    requestedBy: requestedBy === null ? null : { email: requestedBy },
    images,
  };
}

function sum<T>(items: T[], pick: (item: T) => number): number {
  return items.reduce((total, item) => total + pick(item), 0);
}

/**
 * One promotion with its images, or null when there is none with that id: two queries, the
 * images read after the promotion, so they are never older than its status (a finished
 * promotion shows its images finished; read side by side, a failed one could show an image
 * still pushing).
 */
export async function getPromotion(id: string): Promise<PromotionView | null> {
  const [row] = await promotionColumns(Prisma.sql`WHERE p.id = ${id}`, 1);
  if (!row) return null;
  return toPromotionView(toPromotionRow(row, await imageRows([id], { layers: true })));
}

/**
 * Promotions newest first, optionally of one status; `cursor` is the last id of the previous
 * page and `nextCursor` is null on the last page.
 */
export async function listPromotions(
  input: ListPromotionsInput = {},
): Promise<{ promotions: PromotionSummary[]; nextCursor: string | null }> {
  const { status, cursor, limit = 50 } = listPromotionsSchema.parse(input);
  // Two queries, not one per relation, and the per-layer JSON stays in Postgres.
  const rows = await promotionColumns(promotionListWhere(status, cursor), limit + 1);
  const page = rows.slice(0, limit);
  const images =
    page.length === 0
      ? []
      : await imageRows(
          page.map((row) => row.id),
          { layers: false },
        );
  const imagesOf = new Map<string, typeof images>();
  for (const image of images) appendTo(imagesOf, image.promotionId, image);
  return {
    promotions: page.map((row) => {
      const own = imagesOf.get(row.id) ?? [];
      const view = toPromotionView(toPromotionRow(row, own));
      const alreadyThere = new Map(own.map((image) => [image.id, image.bytesAlreadyThere]));
      const listed = view.images.map(({ layers: _layers, ...image }) => ({
        ...image,
        bytesAlreadyThere: alreadyThere.get(image.id) ?? 0,
      }));
      return {
        ...view,
        images: listed,
        totals: { ...view.totals, bytesAlreadyThere: sum(listed, (i) => i.bytesAlreadyThere) },
      };
    }),
    nextCursor: rows.length > limit ? page[page.length - 1]!.id : null,
  };
}

function toPromotionView(row: PromotionRow): PromotionView {
  const images = row.images.map(toImageView);
  const sum = (pick: (image: PromotionImageView) => number) => images.reduce((total, image) => total + pick(image), 0);
  return {
    id: row.id,
    status: row.status,
    release: {
      id: row.release.id,
      tag: row.release.tag,
      channelId: row.release.channelId,
      channelName: row.release.channel.name,
    },
    target: { id: row.targetRegistry.id, name: row.targetRegistry.name, endpoint: row.targetRegistry.endpoint },
    mapping: mappingOf(row.repositoryMapping),
    plan: (row.plan as PromotionPlan | null) ?? null,
    planHash: row.planHash,
    requestedBy: row.requestedBy?.email ?? null,
    createdAt: row.createdAt.toISOString(),
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
    drift: { checkedAt: iso(row.driftCheckedAt), drifted: storedDrift(row.drift) },
    tagsMovedAt: iso(row.tagsMovedAt),
    tagsFailure: row.tagsFailure,
    movingTag: row.movingTag,
    images,
    totals: {
      bytesDone: sum((i) => i.bytesDone),
      bytesTotal: sum((i) => i.bytesTotal),
      bytesAlreadyThere: sum((i) => i.bytesAlreadyThere),
      blobsDone: sum((i) => i.blobsDone),
      blobsTotal: sum((i) => i.blobsTotal),
      images: images.length,
      pushed: images.filter((i) => i.status === "pushed").length,
      failed: images.filter((i) => i.status === "failed").length,
    },
  };
}

function toImageView(image: ImageRow): PromotionImageView {
  const layers = Array.isArray(image.layers)
    ? (image.layers as unknown as PromotionLayerView[]).map(withCurrentState)
    : [];
  return {
    id: image.id,
    component: image.component,
    source: image.sourceRef,
    target: image.targetRef,
    digest: image.digest,
    targetDigest: image.targetDigest,
    status: image.status,
    bytesDone: Number(image.bytesDone),
    bytesTotal: Number(image.bytesTotal),
    bytesAlreadyThere: alreadyThere(image.status, Number(image.bytesTotal), layers),
    blobsDone: image.blobsDone,
    blobsTotal: image.blobsTotal,
    layers,
    signatures: Array.isArray(image.signatures) ? (image.signatures as unknown as PlannedSignature[]) : [],
    failure: image.failureKind ? { kind: image.failureKind, message: image.failureMessage ?? "" } : null,
    notice: image.status === "pushing" ? image.notice : null,
    attempts: image.attempts,
    startedAt: iso(image.startedAt),
    finishedAt: iso(image.finishedAt),
    updatedAt: image.updatedAt.toISOString(),
  };
}

/**
 * Bytes the copy found at the target instead of moving: its layers in state `exists` (after a
 * stop and resume, that includes what the first attempt moved). An image pushed without any
 * layer listed was at the target whole (the manifest was there), so all of it was.
 */
function alreadyThere(status: PromotionImageStatus, bytesTotal: number, layers: PromotionLayerView[]): number {
  if (layers.length === 0) return status === "pushed" ? bytesTotal : 0;
  return layers.filter((layer) => layer.state === "present").reduce((total, layer) => total + layer.size, 0);
}

function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

// Rows written before the blob outcomes were named present/mounted/uploaded keep their old words.
const LEGACY_LAYER_STATES: Record<string, string> = { exists: "present", done: "uploaded" };

function withCurrentState(layer: PromotionLayerView): PromotionLayerView {
  const state = LEGACY_LAYER_STATES[layer.state];
  return state ? { ...layer, state } : layer;
}
