import { z } from "zod";
import { tagOrderings } from "./tag-ordering";

/**
 * Request bodies of channels: the console form validates with these as the user types, the
 * server actions and /api/v1/channels with the same. Kept free of server-only imports so the
 * form can load them; the server checks components once more with lib/oci's reference parser.
 */

export const MAX_COMPONENTS = 20;
export const MAX_TAG_PATTERN_LENGTH = 200;
export const MIN_SYNC_INTERVAL_MINUTES = 5;
export const MAX_SYNC_INTERVAL_MINUTES = 1440;

// distribution/reference's path grammar, as lib/oci/reference.ts applies it.
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const MAX_REPOSITORY_LENGTH = 255;

/** Why a repository path breaks the OCI name grammar, or null when it is fine. */
export function repositoryNameProblem(name: string): string | null {
  if (name.length === 0) return "expected a repository path such as vendor/api";
  if (name.length > MAX_REPOSITORY_LENGTH)
    return `is ${name.length} characters; at most ${MAX_REPOSITORY_LENGTH} are allowed`;
  if (/[:@]/.test(name)) return "expected a repository path without a tag or digest (no : or @)";
  if (name !== name.toLowerCase()) return "must be lowercase";
  const bad = name.split("/").find((part) => !PATH_COMPONENT.test(part));
  if (bad !== undefined)
    return `path component ${JSON.stringify(bad)} must be lowercase letters and digits, separated by one . or _, two _, or dashes`;
  return null;
}

/** Why a tag pattern cannot be used, or null. Compiled as a JavaScript regular expression, no flags. */
export function tagPatternProblem(pattern: string): string | null {
  if (pattern.length === 0) return "expected a regular expression such as ^release-\\d{6}$";
  if (pattern.length > MAX_TAG_PATTERN_LENGTH)
    return `is ${pattern.length} characters; at most ${MAX_TAG_PATTERN_LENGTH} are allowed`;
  try {
    new RegExp(pattern);
  } catch (error) {
    return `not a valid regular expression: ${(error as Error).message.replace(/^Invalid regular expression: /, "")}`;
  }
  return null;
}

/** The pattern as Gantry matches tags with it (whole-tag anchoring is up to the pattern). */
export function compileTagPattern(pattern: string): RegExp {
  const problem = tagPatternProblem(pattern);
  if (problem) throw new TypeError(`tagPattern: ${problem}`);
  return new RegExp(pattern);
}

const name = z
  .string({ error: "expected the channel's name" })
  .trim()
  .min(1, "expected the channel's name")
  .max(100, "at most 100 characters");

const sourceRegistryId = z
  .string({ error: "expected the id of the source registry connection" })
  .min(1, "expected the source registry connection");

const component = z
  .string({ error: "expected a repository path such as vendor/api" })
  .trim()
  .superRefine((value, ctx) => {
    const problem = repositoryNameProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

const components = z
  .array(component, { error: 'expected a list of repository paths, e.g. ["vendor/api", "vendor/engine"]' })
  .min(1, "expected at least one component repository")
  .max(MAX_COMPONENTS, `at most ${MAX_COMPONENTS} component repositories`)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((repository, index) => {
      if (seen.has(repository))
        ctx.addIssue({ code: "custom", path: [index], message: `${repository} is listed twice` });
      seen.add(repository);
    });
  });

const tagPattern = z
  .string({ error: "expected a regular expression such as ^release-\\d{6}$" })
  .superRefine((value, ctx) => {
    const problem = tagPatternProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

const ordering = z.enum(tagOrderings, { error: `expected one of ${tagOrderings.join(", ")}` });

const syncIntervalMinutes = z
  .number({ error: "expected minutes as a number: 0 for manual syncs only, or 5 to 1440" })
  .int("expected whole minutes")
  .refine((value) => value === 0 || (value >= MIN_SYNC_INTERVAL_MINUTES && value <= MAX_SYNC_INTERVAL_MINUTES), {
    message: `expected 0 (manual syncs only) or ${MIN_SYNC_INTERVAL_MINUTES} to ${MAX_SYNC_INTERVAL_MINUTES} minutes`,
  });

const copySignatures = z.boolean({
  error: "expected true (promotions copy the cosign signature, attestation and SBOM tags and OCI referrers) or false",
});

const channelId = z.string({ error: "expected the channel's id" }).min(1, "expected the channel's id");

/** `POST /api/v1/channels` and the console's create form. */
export const createChannelSchema = z.object({
  name,
  sourceRegistryId,
  components,
  tagPattern,
  ordering,
  syncIntervalMinutes: syncIntervalMinutes.default(60),
  copySignatures: copySignatures.default(true),
});

/** `PATCH /api/v1/channels/{id}`: any of the create fields; those left out keep their value. */
export const updateChannelSchema = z.object({
  id: channelId,
  name: name.optional(),
  sourceRegistryId: sourceRegistryId.optional(),
  components: components.optional(),
  tagPattern: tagPattern.optional(),
  ordering: ordering.optional(),
  syncIntervalMinutes: syncIntervalMinutes.optional(),
  copySignatures: copySignatures.optional(),
});

export const deleteChannelSchema = z.object({ id: channelId });

/** `POST /api/v1/channels/{id}/sync` (no body besides the id). */
export const syncChannelSchema = z.object({ id: channelId });

export type CreateChannelInput = z.input<typeof createChannelSchema>;
export type UpdateChannelInput = z.input<typeof updateChannelSchema>;
