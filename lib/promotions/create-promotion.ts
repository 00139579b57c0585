import "server-only";
import type { ChangeDefinition } from "@/lib/change/run-change";
import { UserError } from "@/lib/change/errors";
import type { Prisma } from "@/lib/db/generated/client";
import { emitWebhookEvent } from "@/lib/webhooks/emit-webhook-event";
import { planHash } from "./plan-hash";
import { planPromotion, type PlannedPromotion } from "./plan-promotion";
import { promotionInputSchema } from "./promotion.schema";
import { mappingFromInput, storedMapping } from "./repository-mapping";
import { startPromotion } from "./start-promotion";

export interface CreatedPromotion {
  id: string;
  status: "awaiting_approval" | "queued";
  planHash: string;
  plan: PlannedPromotion["plan"];
}

/**
 * Asks to promote a release into a target: plans first (before the transaction: it asks
 * the registries), then stores the promotion with its plan and plan hash and one pending
 * row per image, and starts it unless the target's (or the channel's) policy asks for
 * approvals first.
 */
export const createPromotion: ChangeDefinition<typeof promotionInputSchema, CreatedPromotion, PlannedPromotion> = {
  permission: "promotions.create",
  schema: promotionInputSchema,
  prepare: ({ input }) => planPromotion(input),
  async run({ input, caller, tx, audit, prepared }) {
    const { plan, release } = prepared;
    // A release that fails its channel's signature policy is refused before anything is written:
    // no promotion row, no byte moved, no tag. (Other plan failures, a hostile manifest say, fail
    // their image when it runs, as before.)
    const denied = plan.images.filter((i) => i.signature && i.signature.status !== "verified");
    if (denied.length > 0)
      throw new UserError(`releaseId: ${denied.map((i) => i.failure!.message).join("; ")}`, "releaseId", 422);
    // The release could have changed between planning and now: the plan must describe it.
    // One query for the release's images and both approval settings.
    const [current] = await tx.$queryRaw<
      { images: { repository: string; digest: string }[]; channelApprovals: number | null; targetApprovals: number }[]
    >`
      SELECT ch."approvalsRequired" AS "channelApprovals", t."approvalsRequired" AS "targetApprovals",
             COALESCE((SELECT json_agg(json_build_object('repository', i.repository, 'digest', i.digest))
                       FROM "ReleaseImage" i WHERE i."releaseId" = r.id), '[]'::json) AS images
      FROM "Release" r
      JOIN "ReleaseChannel" ch ON ch.id = r."channelId"
      JOIN "Registry" t ON t.id = ${input.targetRegistryId}
      WHERE r.id = ${release.id}`;
    if (!current)
      throw new UserError("releaseId: the release or the target changed while planning; try again", "releaseId", 409);
    const digests = new Map(current.images.map((i) => [i.repository, i.digest]));
    if (plan.images.some((i) => digests.get(i.component) !== i.digest) || digests.size !== plan.images.length) {
      throw new UserError("releaseId: the release's images changed while planning; try again", "releaseId", 409);
    }

    const mapping = storedMapping(mappingFromInput(input));
    const hash = planHash({ images: plan.images, targetRegistryId: input.targetRegistryId, mapping });
    const approvalsRequired = current.channelApprovals ?? current.targetApprovals;
    const promotion = await tx.promotion.create({
      data: {
        releaseId: release.id,
        targetRegistryId: input.targetRegistryId,
        repositoryMapping: mapping as Prisma.InputJsonObject,
        movingTag: input.movingTag ?? null,
        plan: plan as unknown as Prisma.InputJsonObject,
        planHash: hash,
        status: approvalsRequired > 0 ? "awaiting_approval" : "queued",
        approvalsRequired,
        requestedById: caller.userId,
        images: {
          create: plan.images.map((image) => ({
            component: image.component,
            sourceRef: image.source,
            targetRef: image.target,
            digest: image.digest,
            bytesTotal: BigInt(image.size),
            blobsTotal: image.blobs.present + image.blobs.mounted + image.blobs.uploaded,
          })),
        },
      },
      select: { id: true, status: true },
    });
    await audit({
      action: "promotion.created",
      targetType: "promotion",
      targetId: promotion.id,
      detail: {
        after: {
          releaseId: release.id,
          tag: release.tag,
          targetRegistryId: input.targetRegistryId,
          mapping,
          ...(input.movingTag ? { movingTag: input.movingTag } : {}),
          status: promotion.status,
          approvalsRequired,
        },
        planHash: hash,
        bytesToMove: plan.bytesToMove,
        images: plan.images.map((i) => ({
          component: i.component,
          target: i.target,
          digest: i.digest,
          ...(i.signature ? { signers: i.signature.signers } : {}),
        })),
      },
    });
    if (promotion.status === "queued") await startPromotion(tx, promotion.id);
    await emitWebhookEvent(tx, {
      event: "promotion.requested",
      promotionId: promotion.id,
      data: { by: caller.email, approvalsRequired },
    });
    return { id: promotion.id, status: promotion.status as CreatedPromotion["status"], planHash: hash, plan };
  },
};
