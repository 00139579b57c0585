import crypto from "node:crypto";

/** The hash before the first event of the chain. */
export const genesisHash = "0".repeat(64);

export interface HashedFields {
  prevHash: string;
  at: Date;
  actorId: string | null;
  actorLabel: string;
  action: string;
  targetType: string;
  targetId: string | null;
  detail: unknown;
  ip: string | null;
  userAgent: string | null;
}

/** SHA-256 over a canonical JSON of the event and the previous hash: editing any row breaks the chain from there on. */
export function auditHash(fields: HashedFields): string {
  const { prevHash, at, actorId, actorLabel, action, targetType, targetId, detail, ip, userAgent } = fields;
  const canonical = canonicalJson({
    prevHash,
    at: at.toISOString(),
    actorId,
    actorLabel,
    action,
    targetType,
    targetId,
    detail,
    ip,
    userAgent,
  });
  return crypto.createHash("sha256").update(canonical).digest("hex");
}

/** JSON with object keys sorted at every depth, so equal values always hash alike. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.keys(value as Record<string, unknown>)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
