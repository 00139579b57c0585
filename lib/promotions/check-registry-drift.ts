import "server-only";
import type { AuditInput } from "@/lib/audit/record-audit-event";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import type { ChangeDefinition } from "@/lib/change/run-change";
import { UserError } from "@/lib/change/errors";
import type { Prisma } from "@/lib/db/generated/client";
import { db, type Tx } from "@/lib/db/prisma";
import { emitWebhookEvent } from "@/lib/webhooks/emit-webhook-event";
import { driftCheckSchema } from "./drift.schema";
import { storedDrift, type DriftedTag } from "./promotion-drift";
import { readTargetDrift, type TargetDriftReading } from "./read-target-drift";

export interface DriftCheckSummary {
  registryId: string;
  checkedAt: string;
  tagsRead: number;
  unreadable: string[];
  /** Promotions with drifted tags now, and which of them drifted since the last look. */
  drifted: { promotionId: string; drifted: DriftedTag[]; newlyDrifted: DriftedTag[] }[];
}

/**
 * `POST /api/v1/registries/{id}/drift-check`: the drift watch for one target, now. The tags
 * are read before the transaction; the findings are stored, and newly drifted promotions
 * audited and reported to webhooks, in it.
 */
export const checkRegistryDrift: ChangeDefinition<typeof driftCheckSchema, DriftCheckSummary, TargetDriftReading> = {
  permission: "registries.test",
  schema: driftCheckSchema,
  async prepare({ input }) {
    const exists = await db().registry.findUnique({ where: { id: input.id }, select: { id: true } });
    if (!exists) throw new UserError(`id: no registry connection ${JSON.stringify(input.id.slice(0, 40))}`, "id", 404);
    return readTargetDrift(input.id);
  },
  async run({ tx, audit, prepared }) {
    const summary = await applyDrift(tx, audit, prepared);
    await audit({
      action: "registry.drift_checked",
      targetType: "registry",
      targetId: prepared.registryId,
      detail: {
        tagsRead: summary.tagsRead,
        unreadable: summary.unreadable.length,
        drifted: summary.drifted.map((p) => p.promotionId),
      },
    });
    return summary;
  },
};

/** The worker's scheduled look at one target, as "system": audits only what newly drifted. */
export async function runScheduledDriftCheck(
  registryId: string,
  options: { signal?: AbortSignal } = {},
): Promise<DriftCheckSummary | { skipped: "no registry" }> {
  const exists = await db().registry.findUnique({ where: { id: registryId }, select: { id: true } });
  if (!exists) return { skipped: "no registry" };
  const reading = await readTargetDrift(registryId, options);
  return db().$transaction((tx) => applyDrift(tx, (event) => recordAuditEvent(tx, event), reading));
}

/**
 * Stores what a look found on every succeeded promotion of the target, and for each that
 * drifted since the last stored finding (a tag newly moved or gone, or moved again) writes
 * a `promotion.drifted` audit event and webhook event. Unchanged drift does not alert again.
 */
async function applyDrift(
  tx: Tx,
  audit: (event: AuditInput) => Promise<void>,
  reading: TargetDriftReading,
): Promise<DriftCheckSummary> {
  // Two looks at one target (the schedule and someone's "check now") store one after the other.
  await tx.$queryRaw`SELECT id FROM "Registry" WHERE id = ${reading.registryId} FOR UPDATE`;
  const current = await tx.promotion.findMany({
    where: { id: { in: reading.promotions.map((p) => p.id) } },
    select: { id: true, drift: true },
  });
  const before = new Map(current.map((row) => [row.id, storedDrift(row.drift)]));
  const drifted: DriftCheckSummary["drifted"] = [];
  for (const promotion of reading.promotions) {
    if (!before.has(promotion.id)) continue;
    const previous = before.get(promotion.id)!;
    const newlyDrifted = promotion.drifted.filter(
      (entry) => !previous.some((old) => old.component === entry.component && old.found === entry.found),
    );
    await tx.promotion.update({
      where: { id: promotion.id },
      data: {
        driftCheckedAt: reading.checkedAt,
        drift: promotion.drifted as unknown as Prisma.InputJsonArray,
      },
    });
    if (promotion.drifted.length > 0)
      drifted.push({ promotionId: promotion.id, drifted: promotion.drifted, newlyDrifted });
    if (newlyDrifted.length === 0) continue;
    await audit({
      action: "promotion.drifted",
      targetType: "promotion",
      targetId: promotion.id,
      detail: { target: reading.registryName, before: { drift: previous }, after: { drift: promotion.drifted } },
    });
    await emitWebhookEvent(tx, {
      event: "promotion.drifted",
      promotionId: promotion.id,
      data: { target: reading.registryName, drifted: newlyDrifted },
    });
  }
  return {
    registryId: reading.registryId,
    checkedAt: reading.checkedAt.toISOString(),
    tagsRead: reading.tagsRead,
    unreadable: reading.unreadable,
    drifted,
  };
}
