import "server-only";
import { z } from "zod";
import type { ChangeDefinition } from "@/lib/change/run-change";
import { db } from "@/lib/db/prisma";
import { verifyAuditChain } from "./verify-audit-chain";

/** What the console shows after a verification: plain JSON (no BigInt or Date). */
export type VerificationView =
  | { ok: true; events: number; anchor: { lastId: string; file: string } | null }
  | {
      ok: false;
      events: number;
      brokenAt: string;
      at: string;
      reason: string;
      expected: string;
      actual: string;
      anchor: { lastId: string; file: string } | null;
    };

/**
 * Verifies the whole chain for an admin and records that it was checked, with the verdict
 * ("audit.verified"). The walk runs in `prepare`, outside the transaction, since it reads
 * every event; only the record of it is written in the transaction.
 */
export const verifyAuditTrail: ChangeDefinition<
  z.ZodObject<Record<string, never>>,
  VerificationView,
  VerificationView
> = {
  permission: "audit.verify",
  schema: z.object({}),
  async prepare() {
    const verdict = await verifyAuditChain(db());
    const anchor = verdict.anchor ? { lastId: verdict.anchor.lastId, file: verdict.anchor.file } : null;
    if (verdict.ok) return { ok: true, events: verdict.events, anchor };
    return {
      ok: false,
      events: verdict.events,
      brokenAt: String(verdict.brokenAt),
      at: verdict.at.toISOString(),
      reason: verdict.reason,
      expected: verdict.expected,
      actual: verdict.actual,
      anchor,
    };
  },
  async run({ prepared, audit }) {
    await audit({
      action: "audit.verified",
      targetType: "audit",
      detail: prepared.ok
        ? { ok: true, events: prepared.events }
        : { ok: false, events: prepared.events, brokenAt: prepared.brokenAt, reason: prepared.reason },
    });
    return prepared;
  },
};
