import crypto from "node:crypto";
import { bundleFromJSON, type Bundle } from "@sigstore/bundle";
import { toSignedEntity, toTrustMaterial, Verifier, type Signer, type TrustMaterial } from "@sigstore/verify";
import { keyFingerprint, verifyWithKey } from "./public-keys";
import type { FoundSignature } from "./read-signatures";
import type { SignaturePolicy } from "./signature-policy.schema";
import { trustMaterialOf, type ParsedTrustedRoot } from "./trusted-root";
import { cosignKeylessBundle, readSimpleSigningPayload, repositoryOf } from "./cosign-payload";

/** What a component's signatures say under its channel's policy, as stored and shown. */
export interface SignatureCheck {
  status: "verified" | "unsigned" | "invalid";
  /** Each signer once, however many signatures it left: a key fingerprint, or "subject (issuer)". */
  signers: string[];
  /** Why it is not verified; null when it is. */
  reason: string | null;
}

export interface VerifyContext {
  policy: Exclude<SignaturePolicy, { mode: "off" }>;
  trustedRoot: ParsedTrustedRoot | null;
  /** The component's repository path at the source, e.g. `vendor/api`. */
  repository: string;
  digest: string;
  /** The manifest's bytes: the artifact of a message-signature bundle over the manifest. */
  manifest?: Buffer;
}

type Outcome = { ok: true; signer: string } | { ok: false; reason: string };

/** Checks every signature found for one image against the policy; one verified signature is enough. */
export function verifySignatures(found: FoundSignature[], context: VerifyContext): SignatureCheck {
  if (found.length === 0) return { status: "unsigned", signers: [], reason: "no signature found" };
  const outcomes = found.map((signature) => verifyOne(signature, context));
  const signers = [...new Set(outcomes.flatMap((o) => (o.ok ? [o.signer] : [])))];
  if (signers.length > 0) return { status: "verified", signers, reason: null };
  const reasons = [...new Set(outcomes.map((o) => (o.ok ? "" : o.reason)))];
  return { status: "invalid", signers: [], reason: reasons.join("; ").slice(0, 500) };
}

function verifyOne(signature: FoundSignature, context: VerifyContext): Outcome {
  try {
    return signature.kind === "cosign" ? verifyCosign(signature, context) : verifyBundle(signature.bundle, context);
  } catch (error) {
    return { ok: false, reason: describe(error) };
  }
}

/** A `sha256-<hex>.sig` layer: the payload must name this digest and repository, then the key or certificate. */
function verifyCosign(signature: Extract<FoundSignature, { kind: "cosign" }>, context: VerifyContext): Outcome {
  const payload = readSimpleSigningPayload(signature.payload);
  if (payload.digest !== context.digest)
    return { ok: false, reason: `the signature is for another image (${payload.digest.slice(0, 19)}…)` };
  if (repositoryOf(payload.reference) !== context.repository)
    return { ok: false, reason: `the signature names repository ${payload.reference}, not ${context.repository}` };
  const bytes = Buffer.from(signature.signature, "base64");
  if (context.policy.mode === "keys") {
    for (const pem of context.policy.publicKeys) {
      const key = crypto.createPublicKey(pem);
      if (verifyWithKey(key, signature.payload, bytes)) return { ok: true, signer: keyFingerprint(key) };
    }
    return { ok: false, reason: notByKeys(context.policy.publicKeys.length) };
  }
  if (!signature.certificate) return { ok: false, reason: "signed with a key, not a keyless certificate" };
  const bundle = cosignKeylessBundle(signature);
  return verifyKeyless(bundleFromJSON(bundle), signature.payload, context);
}

/** A sigstore bundle referrer: a DSSE in-toto statement about the digest, or a message signature over the manifest. */
function verifyBundle(json: unknown, context: VerifyContext): Outcome {
  const bundle = bundleFromJSON(json);
  let artifact: Buffer | undefined;
  if (bundle.content.$case === "dsseEnvelope") {
    const problem = statementProblem(bundle.content.dsseEnvelope, context);
    if (problem) return { ok: false, reason: problem };
  } else {
    const digest = `sha256:${Buffer.from(bundle.content.messageSignature.messageDigest?.digest ?? []).toString("hex")}`;
    if (digest !== context.digest)
      return { ok: false, reason: `the signature is for another image (${digest.slice(0, 19)}…)` };
    artifact = context.manifest;
    if (!artifact) return { ok: false, reason: "the manifest signed by the bundle could not be read" };
  }
  if (context.policy.mode === "keys") {
    if (bundle.verificationMaterial.content.$case !== "publicKey")
      return { ok: false, reason: "signed with a keyless certificate, not a key" };
    for (const pem of context.policy.publicKeys) {
      const key = crypto.createPublicKey(pem);
      const material = withKey(key);
      try {
        new Verifier(material, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }).verify(
          toSignedEntity(bundle, artifact),
        );
        return { ok: true, signer: keyFingerprint(key) };
      } catch {
        // Another key of the policy may be the one.
      }
    }
    return { ok: false, reason: notByKeys(context.policy.publicKeys.length) };
  }
  return verifyKeyless(bundle, artifact, context);
}

/** A certificate from the trusted root's CA, timestamped by its log, for the policy's issuer and subject. */
function verifyKeyless(bundle: Bundle, artifact: Buffer | undefined, context: VerifyContext): Outcome {
  const policy = context.policy;
  if (policy.mode !== "keyless") return { ok: false, reason: "not a keyless policy" };
  if (!context.trustedRoot) return { ok: false, reason: "no trusted root is uploaded to verify keyless signatures" };
  const material = trustMaterialOf(context.trustedRoot);
  const verifier = new Verifier(material, {
    tlogThreshold: 1,
    ctlogThreshold: material.ctlogs.length > 0 ? 1 : 0,
    timestampThreshold: 1,
  });
  const signer: Signer = verifier.verify(toSignedEntity(bundle, artifact));
  const issuer = signer.identity?.extensions?.issuer;
  const subject = signer.identity?.subjectAlternativeName ?? "";
  const identity = `${subject} (${issuer ?? "no issuer"})`;
  if (issuer !== policy.issuer) return { ok: false, reason: `signed by ${identity}, not by issuer ${policy.issuer}` };
  const matches =
    policy.subject !== undefined ? subject === policy.subject : fullMatch(policy.subjectPattern!, subject);
  if (!matches)
    return {
      ok: false,
      reason: `signed by ${identity}, which does not match ${policy.subject ?? policy.subjectPattern}`,
    };
  return { ok: true, signer: identity };
}

/** The in-toto statement of a DSSE bundle must list this digest, and any named subject this repository. */
function statementProblem(envelope: { payloadType: string; payload: Buffer }, context: VerifyContext): string | null {
  if (envelope.payloadType !== "application/vnd.in-toto+json") return `unexpected payload type ${envelope.payloadType}`;
  const statement = JSON.parse(envelope.payload.toString("utf8")) as {
    subject?: { name?: string; digest?: Record<string, string> }[];
  };
  const hex = context.digest.replace(/^sha256:/, "");
  const subject = statement.subject?.find((s) => s.digest?.sha256 === hex);
  if (!subject) return "the signature is for another image";
  if (subject.name && subject.name.includes("/") && repositoryOf(subject.name) !== context.repository)
    return `the signature names repository ${subject.name}, not ${context.repository}`;
  return null;
}

/** Trust material with only this key, whatever hint the bundle names. */
function withKey(key: crypto.KeyObject): TrustMaterial {
  const empty = trustMaterialOf(null);
  return { ...empty, publicKey: () => ({ publicKey: key, validFor: () => true }) } satisfies ReturnType<
    typeof toTrustMaterial
  >;
}

/** The whole subject must match: an unanchored pattern would let `…/vendor/.*` match inside another name. */
function fullMatch(pattern: string, value: string): boolean {
  return new RegExp(`^(?:${pattern})$`).test(value);
}

function notByKeys(count: number): string {
  return count === 1 ? "not signed by the policy's key" : `not signed by any of the policy's ${count} keys`;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === "string" && /^[A-Z_]+$/.test(code)
      ? `${code.toLowerCase().replace(/_/g, " ")}: ${error.message}`
      : error.message;
  }
  return "unreadable signature";
}
