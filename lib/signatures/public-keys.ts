import crypto from "node:crypto";

/** Why a PEM cannot be a signer's key, or null: ECDSA P-256/P-384 and Ed25519 are accepted. */
export function publicKeyProblem(pem: string): string | null {
  let key: crypto.KeyObject;
  try {
    key = crypto.createPublicKey(pem);
  } catch {
    return "not a PEM public key (expected -----BEGIN PUBLIC KEY-----…)";
  }
  if (key.asymmetricKeyType === "ed25519") return null;
  if (key.asymmetricKeyType === "ec") {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === "prime256v1" || curve === "secp384r1") return null;
    return `ECDSA curve ${curve ?? "unknown"} is not accepted; expected P-256 or P-384`;
  }
  return `${key.asymmetricKeyType ?? "unknown"} keys are not accepted; expected ECDSA P-256/P-384 or Ed25519`;
}

/** How a key is named to people: the SHA-256 of its SubjectPublicKeyInfo, shortened as ssh does. */
export function keyFingerprint(key: crypto.KeyObject | string): string {
  const object = typeof key === "string" ? crypto.createPublicKey(key) : key;
  const der = object.export({ type: "spki", format: "der" });
  return `SHA256:${crypto.createHash("sha256").update(der).digest("base64").replace(/=+$/, "")}`;
}

/**
 * Checks a signature over `data` with a key: ECDSA signatures are ASN.1 DER as cosign writes
 * them, hashed with SHA-256 (cosign's default for every curve) or, for P-384, SHA-384.
 */
export function verifyWithKey(key: crypto.KeyObject, data: Buffer, signature: Buffer): boolean {
  try {
    if (key.asymmetricKeyType === "ed25519") return crypto.verify(null, data, key, signature);
    if (crypto.verify("sha256", data, key, signature)) return true;
    return key.asymmetricKeyDetails?.namedCurve === "secp384r1" && crypto.verify("sha384", data, key, signature);
  } catch {
    return false;
  }
}
