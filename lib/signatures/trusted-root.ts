import crypto from "node:crypto";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { toTrustMaterial, type TrustMaterial } from "@sigstore/verify";

/** The console warns this long before the trusted root's keys stop being valid. */
export const EXPIRY_WARNING_DAYS = 30;

export interface ParsedTrustedRoot {
  root: TrustedRoot;
  /** SHA-256 of the JSON as uploaded: stored checks name the root they were made against. */
  sha256: string;
  /** When the first still-valid certificate authority or transparency log key ends, if any ends. */
  expiresAt: Date | null;
  summary: { certificateAuthorities: number; tlogs: number; ctlogs: number; timestampAuthorities: number };
}

/** A sigstore `trusted_root.json` read and checked, or a one-line reason it cannot be used. */
export function parseTrustedRoot(json: unknown): ParsedTrustedRoot {
  if (typeof json !== "object" || json === null) throw new TypeError("expected a trusted_root.json object");
  const mediaType = (json as { mediaType?: unknown }).mediaType;
  if (typeof mediaType !== "string" || !mediaType.startsWith("application/vnd.dev.sigstore.trustedroot"))
    throw new TypeError("mediaType: expected application/vnd.dev.sigstore.trustedroot…+json (a sigstore trusted root)");
  let root: TrustedRoot;
  try {
    root = TrustedRoot.fromJSON(json);
    toTrustMaterial(root);
  } catch (error) {
    throw new TypeError(`not a usable trusted root: ${(error as Error).message}`);
  }
  if (root.certificateAuthorities.length === 0)
    throw new TypeError("certificateAuthorities: expected at least one certificate authority (Fulcio)");
  const now = Date.now();
  const ends = [...root.certificateAuthorities, ...root.tlogs.map((log) => log.publicKey)]
    .map((entry) => entry?.validFor?.end)
    .filter((end): end is Date => end instanceof Date && end.getTime() > now)
    .map((end) => end.getTime());
  return {
    root,
    sha256: crypto.createHash("sha256").update(JSON.stringify(json)).digest("hex"),
    expiresAt: ends.length > 0 ? new Date(Math.min(...ends)) : null,
    summary: {
      certificateAuthorities: root.certificateAuthorities.length,
      tlogs: root.tlogs.length,
      ctlogs: root.ctlogs.length,
      timestampAuthorities: root.timestampAuthorities.length,
    },
  };
}

/** The trust material @sigstore/verify checks certificates, log entries and timestamps with. */
export function trustMaterialOf(root: ParsedTrustedRoot | null): TrustMaterial {
  return toTrustMaterial(root?.root ?? TrustedRoot.fromJSON({ mediaType: "", tlogs: [], certificateAuthorities: [] }));
}

/** Whether the console should warn that the root's keys expire soon. */
export function expiresSoon(expiresAt: Date | null, now = new Date()): boolean {
  return expiresAt !== null && expiresAt.getTime() - now.getTime() < EXPIRY_WARNING_DAYS * 86_400_000;
}
