import { z } from "zod";

const promotionId = z
  .string({ error: "promotionId: expected the promotion's id" })
  .trim()
  .min(1, "promotionId: expected the promotion's id")
  .max(64, "promotionId: expected at most 64 characters");

/** Body of an approve, a reject or a requester's withdrawal: the promotion and an optional comment. */
export const approvalDecisionSchema = z.object({
  promotionId,
  comment: z
    .string({ error: "comment: expected text" })
    .trim()
    .max(2000, "comment: expected at most 2000 characters")
    .default(""),
});

/** An admin's override of the approval policy: the reason is required and audited. */
export const approvalOverrideSchema = z.object({
  promotionId,
  reason: z
    .string({ error: "reason: expected why the approval policy is overridden" })
    .trim()
    .min(10, "reason: write at least 10 characters on why the approval policy is overridden")
    .max(2000, "reason: expected at most 2000 characters"),
});

/** API bodies: the id comes from the path. */
export const approvalCommentBodySchema = approvalDecisionSchema.omit({ promotionId: true });
