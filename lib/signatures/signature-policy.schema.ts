import { z } from "zod";
import { publicKeyProblem } from "./public-keys";

export const MAX_PUBLIC_KEYS = 10;
const MAX_PATTERN_LENGTH = 300;

const publicKey = z
  .string({ error: "expected a PEM public key (-----BEGIN PUBLIC KEY-----…)" })
  .trim()
  .max(4000, "at most 4000 characters per key")
  .superRefine((pem, context) => {
    const problem = publicKeyProblem(pem);
    if (problem) context.addIssue({ code: "custom", message: problem });
  });

const issuer = z
  .string({ error: "expected the OIDC issuer URL, e.g. https://token.actions.githubusercontent.com" })
  .trim()
  .min(1, "expected the OIDC issuer URL, e.g. https://token.actions.githubusercontent.com")
  .max(500, "at most 500 characters");

const subjectPattern = z
  .string()
  .trim()
  .min(1, "expected a regular expression for the certificate's subject")
  .max(MAX_PATTERN_LENGTH, `at most ${MAX_PATTERN_LENGTH} characters`)
  .superRefine((pattern, context) => {
    try {
      new RegExp(pattern);
    } catch (error) {
      context.addIssue({ code: "custom", message: `not a valid regular expression: ${(error as Error).message}` });
    }
  });

/**
 * A channel's signature policy: off (nothing is checked), one of a set of public keys, or a
 * keyless identity (issuer plus an exact subject or a regular expression over it) checked
 * offline against the trusted root an admin uploaded.
 */
export const signaturePolicySchema = z.discriminatedUnion(
  "mode",
  [
    z.object({ mode: z.literal("off") }),
    z.object({
      mode: z.literal("keys"),
      publicKeys: z
        .array(publicKey, { error: "publicKeys: expected a list of PEM public keys" })
        .min(1, "publicKeys: expected at least one PEM public key")
        .max(MAX_PUBLIC_KEYS, `publicKeys: at most ${MAX_PUBLIC_KEYS} keys`),
    }),
    z
      .object({
        mode: z.literal("keyless"),
        issuer,
        subject: z.string().trim().min(1).max(500, "at most 500 characters").optional(),
        subjectPattern: subjectPattern.optional(),
      })
      .refine((policy) => (policy.subject === undefined) !== (policy.subjectPattern === undefined), {
        message: "expected exactly one of subject (exact) or subjectPattern (regular expression)",
        path: ["subject"],
      }),
  ],
  { error: 'mode: expected "off", "keys" or "keyless"' },
);

export type SignaturePolicy = z.infer<typeof signaturePolicySchema>;

export const setSignaturePolicySchema = z.object({
  channelId: z.string().trim().min(1, "channelId: expected the channel's id"),
  policy: signaturePolicySchema,
});

/** What is stored in the database for a channel that never had a policy set. */
export const POLICY_OFF: SignaturePolicy = { mode: "off" };

/**
 * A stored policy, read defensively. Missing means off; anything else unreadable fails closed
 * (a keys policy without keys refuses every image) rather than silently turning checks off.
 */
export function readSignaturePolicy(stored: unknown): SignaturePolicy {
  if (stored === null || stored === undefined) return POLICY_OFF;
  const parsed = signaturePolicySchema.safeParse(stored);
  return parsed.success ? parsed.data : { mode: "keys", publicKeys: [] };
}
