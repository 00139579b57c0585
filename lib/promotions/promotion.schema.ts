import { z } from "zod";

const id = (what: string) =>
  z
    .string({ error: `expected the ${what}'s id` })
    .trim()
    .min(1, `expected the ${what}'s id`)
    .max(64, `expected the ${what}'s id`);

/**
 * What to promote where: a release, a target connection and how component repositories are
 * named at the target — a prefix that replaces the source namespace (`vendor/api` →
 * `team/api`) or explicit names per component. Neither keeps the source paths.
 */
export const promotionInputSchema = z
  .object({
    releaseId: id("release"),
    targetRegistryId: id("target registry"),
    repositoryPrefix: z
      .string({ error: "expected a repository prefix like team/" })
      .trim()
      .max(200, "expected at most 200 characters")
      .optional(),
    repositoryNames: z
      .record(
        z.string().min(1, "expected a component repository").max(256),
        z
          .string({ error: "expected a target repository like team/api" })
          .trim()
          .min(1, "expected a target repository like team/api")
          .max(256, "expected at most 256 characters"),
        {
          error: 'expected an object like {"vendor/api": "team/api"}',
        },
      )
      .optional(),
    /** A tag that follows the promoted release on every component (moved with the release tag): `stable`. */
    movingTag: z
      .string({ error: "expected a tag like stable" })
      .trim()
      .regex(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/, "expected a tag like stable (letters, digits, . _ -; at most 128)")
      .optional(),
  })
  .refine((input) => input.repositoryPrefix === undefined || input.repositoryNames === undefined, {
    message: "give repositoryPrefix or repositoryNames, not both",
    path: ["repositoryNames"],
  });

export type PromotionInput = z.output<typeof promotionInputSchema>;

/** Body of stop / resume / retry: the promotion's id. */
export const promotionIdSchema = z.object({ id: id("promotion") });

export const promotionStatuses = [
  "awaiting_approval",
  "rejected",
  "withdrawn",
  "queued",
  "running",
  "succeeded",
  "failed",
  "stopped",
] as const;

/** Query of GET /api/v1/promotions. */
export const listPromotionsSchema = z.object({
  status: z.enum(promotionStatuses, { error: `expected one of ${promotionStatuses.join(", ")}` }).optional(),
  cursor: z.string().max(64).optional(),
  limit: z.coerce
    .number({ error: "expected a number from 1 to 200" })
    .int("expected a whole number")
    .min(1, "expected 1 or more")
    .max(200, "expected at most 200")
    .optional(),
});

export type ListPromotionsInput = z.input<typeof listPromotionsSchema>;
