import "server-only";
import type { ChangeDefinition } from "@/lib/change/run-change";
import { UserError } from "@/lib/change/errors";
import { isForeignKeyViolation } from "@/lib/db/errors";
import { deleteChannelSchema } from "./channel.schema";
import { auditFieldsOf } from "./channel-fields";
import { noChannel } from "./channel-view";

const NAMED = 5;

/**
 * Removes a channel and the releases it found. A channel whose releases were promoted is
 * refused, naming the promotions: they are history that points at those releases.
 */
export const deleteChannel: ChangeDefinition<typeof deleteChannelSchema, { id: string; deleted: true }> = {
  permission: "channels.write",
  schema: deleteChannelSchema,
  async run({ input, tx, audit }) {
    const row = await tx.releaseChannel.findUnique({
      where: { id: input.id },
      include: { _count: { select: { releases: true } } },
    });
    if (!row) throw noChannel(input.id);
    const where = { release: { channelId: row.id } };
    const [count, promotions] = await Promise.all([
      tx.promotion.count({ where }),
      tx.promotion.findMany({
        where,
        select: { id: true, release: { select: { tag: true } }, targetRegistry: { select: { name: true } } },
        orderBy: { createdAt: "desc" },
        take: NAMED,
      }),
    ]);
    if (count > 0) {
      const named = promotions.map((p) => `${p.release.tag} → ${p.targetRegistry.name} (${p.id})`).join(", ");
      const more = count > NAMED ? ` and ${count - NAMED} more` : "";
      throw new UserError(
        `channel ${row.name} has promotion(s) ${named}${more}; a channel whose releases were promoted keeps their history and cannot be deleted`,
        undefined,
        409,
      );
    }
    await tx.releaseChannel.delete({ where: { id: row.id } }).catch((error: unknown) => {
      throw isForeignKeyViolation(error)
        ? new UserError(`channel ${row.name} was promoted while it was being deleted; look again`, undefined, 409)
        : error;
    });
    await audit({
      action: "channel.deleted",
      targetType: "channel",
      targetId: row.id,
      detail: { before: { ...auditFieldsOf(row), releases: row._count.releases } },
    });
    return { id: row.id, deleted: true };
  },
};
