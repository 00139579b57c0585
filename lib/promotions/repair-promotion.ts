import "server-only";
import type { ChangeDefinition } from "@/lib/change/run-change";
import { NotFoundError, UserError } from "@/lib/change/errors";
import { db } from "@/lib/db/prisma";
import { createPromotion, type CreatedPromotion } from "./create-promotion";
import type { PlannedPromotion } from "./plan-promotion";
import { storedDrift } from "./promotion-drift";
import { promotionIdSchema, type PromotionInput } from "./promotion.schema";
import { mappingOf } from "./repository-mapping";

interface PreparedRepair {
  input: PromotionInput;
  planned: PlannedPromotion;
}

/**
 * "Repair" on a drifted promotion: a new promotion of the same release to the same target
 * with the same repository names, by the normal path (plan, approvals, copy); the copy puts
 * the moved or deleted tags back. The drifted promotion records which promotion repairs it.
 */
export const repairPromotion: ChangeDefinition<typeof promotionIdSchema, CreatedPromotion, PreparedRepair> = {
  permission: createPromotion.permission,
  schema: promotionIdSchema,
  async prepare({ input, caller }) {
    const drifted = await db().promotion.findUnique({
      where: { id: input.id },
      select: { releaseId: true, targetRegistryId: true, repositoryMapping: true, drift: true },
    });
    if (!drifted) throw new NotFoundError(`id: no promotion ${JSON.stringify(input.id.slice(0, 40))}`);
    if (storedDrift(drifted.drift).length === 0)
      throw new UserError("id: this promotion has not drifted; nothing to repair", "id", 409);
    const repair: PromotionInput = {
      releaseId: drifted.releaseId,
      targetRegistryId: drifted.targetRegistryId,
      ...mappingOf(drifted.repositoryMapping),
    };
    return { input: repair, planned: await createPromotion.prepare!({ input: repair, caller }) };
  },
  async run({ input, caller, tx, audit, prepared }) {
    const created = await createPromotion.run({ input: prepared.input, caller, tx, audit, prepared: prepared.planned });
    await audit({
      action: "promotion.repair_requested",
      targetType: "promotion",
      targetId: input.id,
      detail: { repairedBy: created.id },
    });
    return created;
  },
};
