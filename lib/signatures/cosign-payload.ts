import crypto from "node:crypto";
import type { FoundSignature } from "./read-signatures";

/** What a cosign simple-signing payload claims: the exact manifest digest and the image's name. */
export function readSimpleSigningPayload(bytes: Buffer): { digest: string; reference: string } {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new TypeError("the signature payload is not JSON");
  }
  const critical = (value as { critical?: Record<string, Record<string, unknown>> } | null)?.critical;
  const digest = critical?.image?.["docker-manifest-digest"];
  const reference = critical?.identity?.["docker-reference"];
  if (critical?.type !== ("cosign container image signature" as unknown))
    throw new TypeError("the signature payload is not a cosign container image signature");
  if (typeof digest !== "string" || typeof reference !== "string")
    throw new TypeError("the signature payload names no digest or docker-reference");
  return { digest, reference };
}

/**
 * The repository path of an image name: without the registry host (a first part with a dot,
 * a port or `localhost`) and without a tag or digest, so a mirror's host does not matter.
 */
export function repositoryOf(reference: string): string {
  let name = reference.split("@")[0]!;
  const slash = name.lastIndexOf("/");
  const colon = name.lastIndexOf(":");
  if (colon > slash) name = name.slice(0, colon);
  const parts = name.split("/");
  if (parts.length > 1 && /[.:]|^localhost$/.test(parts[0]!)) parts.shift();
  return parts.join("/");
}

interface CosignRekorBundle {
  SignedEntryTimestamp: string;
  Payload: { body: string; integratedTime: number; logIndex: number; logID: string };
}

/**
 * A keyless cosign layer as a sigstore bundle (v0.1) @sigstore/verify can check offline: the
 * certificate (and chain) from the annotations, the message signature over the payload, and
 * the Rekor entry of the `bundle` annotation, whose signed entry timestamp dates the certificate.
 */
export function cosignKeylessBundle(signature: Extract<FoundSignature, { kind: "cosign" }>): unknown {
  if (!signature.bundle) throw new TypeError("the keyless signature has no transparency-log bundle to date it");
  const rekor = JSON.parse(signature.bundle) as CosignRekorBundle;
  const body = JSON.parse(Buffer.from(rekor.Payload.body, "base64").toString("utf8")) as {
    kind?: string;
    apiVersion?: string;
  };
  const certificates = [signature.certificate!, ...(signature.chain ? splitPem(signature.chain) : [])].map((pem) => ({
    rawBytes: new crypto.X509Certificate(pem).raw.toString("base64"),
  }));
  return {
    mediaType: "application/vnd.dev.sigstore.bundle+json;version=0.1",
    verificationMaterial: {
      x509CertificateChain: { certificates },
      tlogEntries: [
        {
          logIndex: String(rekor.Payload.logIndex),
          logId: { keyId: Buffer.from(rekor.Payload.logID, "hex").toString("base64") },
          kindVersion: { kind: body.kind ?? "", version: body.apiVersion ?? "" },
          integratedTime: String(rekor.Payload.integratedTime),
          inclusionPromise: { signedEntryTimestamp: rekor.SignedEntryTimestamp },
          canonicalizedBody: rekor.Payload.body,
        },
      ],
    },
    messageSignature: {
      messageDigest: {
        algorithm: "SHA2_256",
        digest: crypto.createHash("sha256").update(signature.payload).digest("base64"),
      },
      signature: signature.signature,
    },
  };
}

function splitPem(pems: string): string[] {
  return pems.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}
