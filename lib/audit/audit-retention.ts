import { z } from "zod";
import type { ChangeDefinition } from "@/lib/change/run-change";
import type { PrismaClient } from "@/lib/db/generated/client";
import { db } from "@/lib/db/prisma";

/** The Setting row holding `{ days: number | null }`; null (or no row) keeps events forever. */
export const auditRetentionKey = "audit.retentionDays";
export const auditRetentionMaxDays = 36_500;

export const auditRetentionSchema = z.object({
  days: z.preprocess(
    (value) => (value === "" || value === undefined ? null : value),
    z.coerce
      .number({ message: "days must be a number of days, or empty to keep events forever" })
      .int("days must be a whole number of days")
      .min(1, "days must be at least 1")
      .max(auditRetentionMaxDays, `days must be at most ${auditRetentionMaxDays}`)
      .nullable(),
  ),
});

/** Days audit events are kept before the daily job archives them; null means forever. */
export async function getAuditRetentionDays(client: PrismaClient = db()): Promise<number | null> {
  const row = await client.setting.findUnique({ where: { key: auditRetentionKey } });
  const days = (row?.value as { days?: unknown } | undefined)?.days;
  return typeof days === "number" && days > 0 ? days : null;
}

/** Sets how long audit events stay in the database (admins only, audited). */
export const setAuditRetention: ChangeDefinition<typeof auditRetentionSchema, { days: number | null }> = {
  permission: "settings.write",
  schema: auditRetentionSchema,
  async run({ input, tx, audit }) {
    const previous = await tx.setting.findUnique({ where: { key: auditRetentionKey } });
    const before = (previous?.value as { days?: number | null } | undefined)?.days ?? null;
    await tx.setting.upsert({
      where: { key: auditRetentionKey },
      create: { key: auditRetentionKey, value: { days: input.days } },
      update: { value: { days: input.days } },
    });
    await audit({
      action: "settings.updated",
      targetType: "setting",
      targetId: auditRetentionKey,
      detail: { before: { retentionDays: before }, after: { retentionDays: input.days } },
    });
    return { days: input.days };
  },
};
