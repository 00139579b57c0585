import "server-only";
import { db } from "@/lib/db/prisma";
import type { PromotionInput } from "./promotion.schema";
import { mappingOf } from "./repository-mapping";

export interface RollbackOffer {
  /** The earlier release's tag, for "Roll back to <tag>". */
  tag: string;
  /** A promotion of it to the same target, same repositories and moving tag: the normal path, approvals and all. */
  input: PromotionInput;
}

/**
 * What "Roll back" on a promotion would promote: offered on the latest promotion of a channel
 * to a target once it succeeded, it is the release of the promotion that succeeded there
 * before it (another release). Promoting it moves the tags back; its plan says whether any
 * byte has to move. Null when there is nothing to roll back to.
 */
export async function rollbackOffer(promotionId: string): Promise<RollbackOffer | null> {
  const promotion = await db().promotion.findUnique({
    where: { id: promotionId },
    select: {
      status: true,
      createdAt: true,
      releaseId: true,
      targetRegistryId: true,
      repositoryMapping: true,
      movingTag: true,
      release: { select: { channelId: true } },
    },
  });
  if (!promotion || promotion.status !== "succeeded") return null;
  const sameLine = {
    targetRegistryId: promotion.targetRegistryId,
    release: { channelId: promotion.release.channelId },
  };
  const newer = await db().promotion.count({ where: { ...sameLine, createdAt: { gt: promotion.createdAt } } });
  if (newer > 0) return null;
  const previous = await db().promotion.findFirst({
    where: {
      ...sameLine,
      status: "succeeded",
      createdAt: { lt: promotion.createdAt },
      releaseId: { not: promotion.releaseId },
    },
    orderBy: { createdAt: "desc" },
    select: { releaseId: true, release: { select: { tag: true } } },
  });
  if (!previous) return null;
  return {
    tag: previous.release.tag,
    input: {
      releaseId: previous.releaseId,
      targetRegistryId: promotion.targetRegistryId,
      ...mappingOf(promotion.repositoryMapping),
      ...(promotion.movingTag ? { movingTag: promotion.movingTag } : {}),
    },
  };
}
