import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import { BundleError } from "./bundle-format";
import type { OpenedBundle } from "./read-bundle";

/**
 * Signs gantry-bundle.json's exact bytes with an Ed25519 or ECDSA private key (PEM). The
 * signature is stored base64 in gantry-bundle.json.sig; the manifest holds every component
 * digest, and the digests hold every byte, so it vouches for the whole bundle.
 */
export function manifestSigner(privateKeyPem: string): (bytes: Buffer) => Buffer {
  const key = createPrivateKey(privateKeyPem);
  const algorithm = algorithmFor(key);
  return (bytes) => sign(algorithm, bytes, key);
}

/** Throws unless the bundle is signed by the key whose public half is `publicKeyPem`. */
export function checkBundleSignature(bundle: OpenedBundle, publicKeyPem: string): void {
  const key = createPublicKey(publicKeyPem);
  if (!bundle.signature)
    throw new BundleError("the bundle is not signed, and a bundle signing key is configured", "denied");
  const signature = Buffer.from(bundle.signature.toString("utf8").trim(), "base64");
  if (!verify(algorithmFor(key), bundle.manifestBytes, key, signature)) {
    throw new BundleError("the bundle's signature does not match the configured public key", "denied");
  }
}

function algorithmFor(key: KeyObject): string | null {
  if (key.asymmetricKeyType === "ed25519") return null;
  if (key.asymmetricKeyType === "ec") return "sha256";
  throw new BundleError(`a bundle signing key must be Ed25519 or ECDSA, not ${key.asymmetricKeyType}`);
}
