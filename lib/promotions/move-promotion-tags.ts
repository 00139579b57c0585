import "server-only";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { isUserError } from "@/lib/change/errors";
import { db, type Tx } from "@/lib/db/prisma";
import type { Digest } from "@/lib/oci/digest";
import { failureOf } from "@/lib/oci/failure";
import { redact } from "@/lib/oci/redact";
import { parseReference } from "@/lib/oci/reference";
import { tagManifest } from "@/lib/oci/tag-manifest";
import { log } from "@/lib/log";
import { auditPromotionOutcome } from "./image-transitions";
import { openPromotionTarget } from "./open-promotion-registries";
import { aggregatePromotion, lockPromotion } from "./promotion-state";

export type TagStepResult = "moved" | "failed" | "not-due";

type KeptManifest = { bytes: Uint8Array; mediaType: string };

interface TagMove {
  component: string;
  repository: string;
  tag: string;
  digest: Digest;
  /** The manifest's bytes as the copy pushed them (absent on rows from before they were kept). */
  manifest?: KeptManifest;
  /** What the tag pointed at before this step (undefined: it did not exist). */
  from?: Digest;
  moved?: boolean;
}

/**
 * The promotion's "tags moved" step: every component is at the target by digest, so each
 * target tag (the release tag, and the promotion's moving tag) is pointed at its component's
 * manifest — no blob moves, so the release appears whole in a moment. Runs in the worker
 * whose finishImage found the last image pushed; recovery re-runs it for a promotion left
 * with all images pushed and no tags moved (a worker killed meanwhile). Idempotent: a tag
 * already at its digest is left alone, and only the first run to finish records the step.
 * If a tag cannot be moved, the tags this run moved are put back and the promotion fails
 * with the reason; the previous release keeps its tags. Each tag is written with the manifest
 * bytes the copy kept on the image row (and a tag put back with those of the promotion that
 * pushed its digest), so no manifest is read back from the target: on Docker Hub each read is
 * a pull. A row without them (written before they were kept) reads its manifest back.
 */
export async function movePromotionTags(promotionId: string): Promise<TagStepResult> {
  const promotion = await db().promotion.findUnique({
    where: { id: promotionId },
    select: {
      status: true,
      tagsMovedAt: true,
      tagsFailure: true,
      movingTag: true,
      targetRegistryId: true,
      images: {
        select: {
          component: true,
          targetRef: true,
          digest: true,
          status: true,
          manifest: true,
          manifestMediaType: true,
        },
        orderBy: { component: "asc" },
      },
    },
  });
  if (!promotion || !due(promotion)) return "not-due";
  const moves: TagMove[] = promotion.images.flatMap((image) => {
    const { repository, tag } = parseReference(image.targetRef);
    const tags = [...new Set([tag, promotion.movingTag].filter((t): t is string => Boolean(t)))];
    const manifest = kept(image);
    return tags.map((t) => ({
      component: image.component,
      repository,
      tag: t,
      digest: image.digest as Digest,
      ...(manifest ? { manifest } : {}),
    }));
  });

  let secrets: string[] = [];
  try {
    const target = await openPromotionTarget(promotion.targetRegistryId);
    secrets = target.secrets();
    try {
      await moveAll(target.client, moves, (digests) => keptManifests(promotion.targetRegistryId, digests));
    } finally {
      await target.close();
    }
  } catch (error) {
    const why = isUserError(error) ? error.message : redact(failureOf(error).message, secrets);
    log.warn({ promotionId }, "the tag step of a promotion failed");
    return settle(promotionId, moves, { failure: `the tags could not be moved: ${why}`.slice(0, 1000) });
  }
  return settle(promotionId, moves, {});
}

/** Every image pushed, the promotion still running and the step not yet recorded either way. */
function due(p: {
  status: string;
  tagsMovedAt: Date | null;
  tagsFailure: string | null;
  images: { status: string }[];
}) {
  return p.status === "running" && !p.tagsMovedAt && !p.tagsFailure && p.images.every((i) => i.status === "pushed");
}

/**
 * Moves every tag; on the first failure puts back those already moved (to their previous
 * digest, with the bytes an earlier promotion kept for it when there is one) and throws.
 */
async function moveAll(
  client: Parameters<typeof tagManifest>[0]["client"],
  moves: TagMove[],
  keptFor: (digests: Digest[]) => Promise<Map<Digest, KeptManifest>>,
): Promise<void> {
  const results = await Promise.allSettled(
    moves.map(async (move) => {
      const { previous } = await tagManifest({
        client,
        repository: move.repository,
        digest: move.digest,
        tag: move.tag,
        ...(move.manifest ? { manifest: move.manifest } : {}),
      });
      move.from = previous;
      move.moved = previous !== move.digest;
    }),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (!failed) return;
  // A tag that did not exist before stays (the distribution API has no portable untag); it names the new release only.
  const back = moves.filter((m): m is TagMove & { from: Digest } => Boolean(m.moved && m.from));
  const known = await keptFor([...new Set(back.map((m) => m.from))]).catch(() => new Map<Digest, KeptManifest>());
  await Promise.allSettled(
    back.map((m) => {
      const manifest = known.get(m.from);
      return tagManifest({
        client,
        repository: m.repository,
        digest: m.from,
        tag: m.tag,
        ...(manifest ? { manifest } : {}),
      });
    }),
  );
  throw failed.reason;
}

/** The bytes an image row kept of its manifest, when it has them. */
function kept(row: { manifest: Uint8Array | null; manifestMediaType: string | null }): KeptManifest | undefined {
  return row.manifest && row.manifestMediaType ? { bytes: row.manifest, mediaType: row.manifestMediaType } : undefined;
}

/**
 * Manifests that earlier promotions into this registry pushed and kept, by digest (content
 * addressed: the same bytes in any repository; tagManifest checks them against the digest).
 */
async function keptManifests(targetRegistryId: string, digests: Digest[]): Promise<Map<Digest, KeptManifest>> {
  if (digests.length === 0) return new Map();
  const rows = await db().promotionImage.findMany({
    where: { digest: { in: digests }, manifest: { not: null }, promotion: { targetRegistryId } },
    select: { digest: true, manifest: true, manifestMediaType: true },
    distinct: ["digest"],
  });
  const found = new Map<Digest, KeptManifest>();
  for (const row of rows) {
    const manifest = kept(row);
    if (manifest) found.set(row.digest as Digest, manifest);
  }
  return found;
}

/** Records the step's outcome, once: the promotion locked, and only if the step is still due. */
async function settle(promotionId: string, moves: TagMove[], outcome: { failure?: string }): Promise<TagStepResult> {
  return db().$transaction(async (tx: Tx) => {
    await lockPromotion(tx, promotionId);
    const now = await tx.promotion.findUniqueOrThrow({
      where: { id: promotionId },
      select: { status: true, tagsMovedAt: true, tagsFailure: true, images: { select: { status: true } } },
    });
    if (!due(now)) return "not-due";
    await tx.promotion.update({
      where: { id: promotionId },
      data: outcome.failure ? { tagsFailure: outcome.failure } : { tagsMovedAt: new Date() },
    });
    await recordAuditEvent(tx, {
      action: outcome.failure ? "promotion.tags_failed" : "promotion.tags_moved",
      targetType: "promotion",
      targetId: promotionId,
      detail: {
        tags: moves.map((m) => ({ component: m.component, tag: m.tag, from: m.from ?? null, to: m.digest })),
        ...(outcome.failure ? { message: outcome.failure } : {}),
      },
    });
    const { before, after } = await aggregatePromotion(tx, promotionId);
    await auditPromotionOutcome(tx, promotionId, { before, after });
    return outcome.failure ? "failed" : "moved";
  });
}
