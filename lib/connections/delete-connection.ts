import "server-only";
import { z } from "zod";
import type { ChangeDefinition } from "@/lib/change/run-change";
import { NotFoundError, UserError } from "@/lib/change/errors";
import { isForeignKeyViolation } from "@/lib/db/errors";
import { auditFieldsOf } from "./connection-view";

export const deleteConnectionSchema = z.object({
  id: z.string({ error: "expected the connection's id" }).min(1, "expected the connection's id"),
});

const NAMED = 5;

/**
 * Removes a connection nothing depends on. Channels reading from it and promotions into it
 * keep their history through it, so those refuse the delete and are named in the message.
 */
export const deleteConnection: ChangeDefinition<typeof deleteConnectionSchema, { id: string; deleted: true }> = {
  permission: "registries.write",
  schema: deleteConnectionSchema,
  async run({ input, tx, audit }) {
    const row = await tx.registry.findUnique({
      where: { id: input.id },
      include: {
        channels: { select: { name: true }, orderBy: { name: "asc" }, take: NAMED + 1 },
        promotions: {
          select: { id: true, release: { select: { tag: true, channel: { select: { name: true } } } } },
          orderBy: { createdAt: "desc" },
          take: NAMED + 1,
        },
        _count: { select: { channels: true, promotions: true } },
      },
    });
    if (!row) throw new NotFoundError(`id: no registry connection ${JSON.stringify(input.id.slice(0, 40))}`);
    const uses = [
      listed(
        "promotion(s)",
        row._count.promotions,
        row.promotions.map((p) => `${p.release.channel.name} ${p.release.tag} (${p.id})`),
      ),
      listed(
        "channel(s)",
        row._count.channels,
        row.channels.map((c) => c.name),
      ),
    ].filter(Boolean);
    if (uses.length > 0)
      throw new UserError(`registry ${row.name} is used by ${uses.join(" / ")}; delete those first`, undefined, 409);

    // A promotion or channel created since the check above fails the delete on its foreign
    // key (Restrict); the transaction rolls back and the caller can look again.
    await tx.registry.delete({ where: { id: row.id } }).catch((error: unknown) => {
      throw isForeignKeyViolation(error)
        ? new UserError(
            `registry ${row.name} came into use while it was being deleted; try again to see what uses it`,
            undefined,
            409,
          )
        : error;
    });
    await audit({
      action: "registry.deleted",
      targetType: "registry",
      targetId: row.id,
      detail: { before: auditFieldsOf(row) },
    });
    return { id: row.id, deleted: true };
  },
};

function listed(what: string, count: number, names: string[]): string {
  if (count === 0) return "";
  const shown = names.slice(0, NAMED).join(", ");
  return `${what} ${shown}${count > NAMED ? ` and ${count - NAMED} more` : ""}`;
}
