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
  return crypto
    .createHash("sha256")
    .update(canonicalEvent({ ...fields, at: fields.at.toISOString() }))
    .digest("hex");
}

/**
 * The event's canonical JSON cut around its previous hash, which Postgres fills in when it
 * appends the event under the chain's lock (gantry_append_audit_events): the text auditHash
 * hashes is `beforePrevHash` + prevHash + `rest`.
 */
export function canonicalPieces(fields: Omit<HashedFields, "prevHash">): { beforePrevHash: string; rest: string } {
  // A mark nobody can put in an event ahead of time, so it appears once: as the value of prevHash.
  const mark = crypto.randomBytes(16).toString("hex");
  const text = canonicalEvent({ ...fields, at: fields.at.toISOString(), prevHash: mark });
  const at = text.indexOf(mark);
  if (at < 0 || text.lastIndexOf(mark) !== at)
    throw new Error("audit event: its canonical JSON could not be cut around prevHash");
  return { beforePrevHash: text.slice(0, at), rest: text.slice(at + mark.length) };
}

function canonicalEvent(fields: Omit<HashedFields, "at"> & { at: string }): string {
  const { prevHash, at, actorId, actorLabel, action, targetType, targetId, detail, ip, userAgent } = fields;
  return canonicalJson({ prevHash, at, actorId, actorLabel, action, targetType, targetId, detail, ip, userAgent });
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
