import "server-only";
import crypto from "node:crypto";
import { UserError } from "@/lib/change/errors";
import type { ChangeDefinition } from "@/lib/change/run-change";
import { Prisma } from "@/lib/db/generated/client";
import { db, type Db, type Tx } from "@/lib/db/prisma";
import { keyFingerprint } from "@/lib/signatures/public-keys";
import {
  readSignaturePolicy,
  setSignaturePolicySchema,
  type SignaturePolicy,
} from "@/lib/signatures/signature-policy.schema";
import type { ParsedTrustedRoot } from "@/lib/signatures/trusted-root";
import type { SignatureCheck } from "@/lib/signatures/verify-signatures";
import { getTrustedRoot } from "./trusted-root-setting";

/** A check as stored on a release image: which policy (and root) it was made under, and when. */
export interface StoredSignatureCheck extends SignatureCheck {
  policy: string;
  checkedAt: string;
}

/** What verifying a channel's images needs: its policy, the trusted root, and the key naming both. */
export interface SignatureSetup {
  channelName: string;
  policy: SignaturePolicy;
  trustedRoot: ParsedTrustedRoot | null;
  /** Changes whenever the policy or (for keyless) the trusted root does: older stored checks no longer count. */
  key: string;
}

export async function loadSignatureSetup(channelId: string, client: Db | Tx = db()): Promise<SignatureSetup> {
  const channel = await client.releaseChannel.findUnique({
    where: { id: channelId },
    select: { name: true, signaturePolicy: true },
  });
  if (!channel) throw new UserError(`channelId: no channel ${channelId}`, "channelId", 404);
  const policy = readSignaturePolicy(channel.signaturePolicy);
  const trustedRoot = policy.mode === "keyless" ? await getTrustedRoot(client) : null;
  return { channelName: channel.name, policy, trustedRoot, key: policyKey(policy, trustedRoot) };
}

export function policyKey(policy: SignaturePolicy, trustedRoot: ParsedTrustedRoot | null): string {
  return crypto
    .createHash("sha256")
    .update(JSON.stringify({ policy, root: policy.mode === "keyless" ? (trustedRoot?.sha256 ?? null) : null }))
    .digest("hex")
    .slice(0, 16);
}

/** The policy in a few words, as denials and the console name it. */
export function describePolicy(policy: SignaturePolicy): string {
  if (policy.mode === "off") return "off";
  if (policy.mode === "keys") return `keys ${policy.publicKeys.map((pem) => keyFingerprint(pem)).join(", ")}`;
  return `keyless ${policy.issuer} ${policy.subject ?? `~${policy.subjectPattern}`}`;
}

/** A stored check, when it was made under the channel's current policy; else null (not checked yet). */
export function currentCheck(stored: unknown, setup: { key: string; policy: SignaturePolicy }) {
  if (setup.policy.mode === "off" || !stored || typeof stored !== "object") return null;
  const check = stored as StoredSignatureCheck;
  return check.policy === setup.key ? check : null;
}

/** What a failing component is told, naming the policy and the channel. */
export function denialMessage(component: string, check: SignatureCheck, setup: SignatureSetup): string {
  const what =
    check.status === "unsigned" ? "is unsigned" : `has no valid signature (${check.reason ?? "signature invalid"})`;
  return `${component} ${what}; the signature policy of channel ${setup.channelName} (${describePolicy(setup.policy)}) requires one`;
}

/**
 * Sets which signatures a channel's releases need before they may be promoted (admins,
 * audited with key fingerprints, never whole keys). Stored checks under the old policy stop
 * counting; the next sync or plan checks again.
 */
export const setSignaturePolicy: ChangeDefinition<
  typeof setSignaturePolicySchema,
  { channelId: string; policy: SignaturePolicy }
> = {
  permission: "settings.write",
  schema: setSignaturePolicySchema,
  async run({ input, tx, audit }) {
    const before = await tx.releaseChannel.findUnique({
      where: { id: input.channelId },
      select: { name: true, signaturePolicy: true, sourceKind: true },
    });
    if (!before) throw new UserError(`channelId: no channel ${input.channelId}`, "channelId", 404);
    const policy = input.policy;
    // A bundle release is never read from a registry, where policies look for signatures.
    if (before.sourceKind === "bundle" && policy.mode !== "off")
      throw new UserError(
        `policy: ${before.name} is a bundle channel; its bundles are trusted through their own signature (GANTRY_BUNDLE_TRUST_KEY), not a registry signature policy`,
        "policy",
        409,
      );
    await tx.releaseChannel.update({
      where: { id: input.channelId },
      data: { signaturePolicy: policy.mode === "off" ? Prisma.DbNull : (policy as Prisma.InputJsonObject) },
    });
    await audit({
      action: "channel.signature_policy",
      targetType: "channel",
      targetId: input.channelId,
      detail: {
        name: before.name,
        before: { policy: describePolicy(readSignaturePolicy(before.signaturePolicy)) },
        after: { policy: describePolicy(policy) },
      },
    });
    return { channelId: input.channelId, policy };
  },
};
