import "server-only";
import type { Tx } from "@/lib/db/prisma";
import { consoleUrl, type WebhookPromotionSummary } from "./webhook-payload";

/** Image lines carried in one payload; the counts always cover every image. */
const MAX_IMAGE_ITEMS = 50;

/**
 * The promotion as the event's payload shows it, read inside the emitting transaction so
 * it matches the change being reported. Null when there is no such promotion.
 */
export async function readPromotionSummary(tx: Tx, promotionId: string): Promise<WebhookPromotionSummary | null> {
  const row = await tx.promotion.findUnique({
    where: { id: promotionId },
    select: {
      id: true,
      status: true,
      release: { select: { id: true, tag: true, channel: { select: { name: true } } } },
      targetRegistry: { select: { id: true, name: true, endpoint: true } },
      requestedBy: { select: { email: true } },
      images: {
        select: {
          component: true,
          targetRef: true,
          digest: true,
          status: true,
          failureKind: true,
          failureMessage: true,
        },
        orderBy: { component: "asc" },
      },
    },
  });
  if (!row) return null;
  const base = consoleUrl();
  const count = (status: string) => row.images.filter((image) => image.status === status).length;
  return {
    id: row.id,
    status: row.status,
    url: base ? `${base}/promotions/${row.id}` : null,
    release: { id: row.release.id, tag: row.release.tag, channel: row.release.channel.name },
    target: { id: row.targetRegistry.id, name: row.targetRegistry.name, endpoint: row.targetRegistry.endpoint },
    requestedBy: row.requestedBy?.email ?? null,
    images: {
      total: row.images.length,
      pushed: count("pushed"),
      failed: count("failed"),
      pending: count("pending") + count("pushing"),
      items: row.images.slice(0, MAX_IMAGE_ITEMS).map((image) => ({
        component: image.component,
        target: image.targetRef,
        digest: image.digest,
        status: image.status,
        failure: image.failureKind ? `${image.failureKind}: ${image.failureMessage ?? ""}`.trim() : null,
      })),
    },
  };
}
