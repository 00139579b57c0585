import "server-only";
import { UserError } from "@/lib/change/errors";
import type { ChangeDefinition } from "@/lib/change/run-change";
import type { Prisma } from "@/lib/db/generated/client";
import { db, type Db, type Tx } from "@/lib/db/prisma";
import { trustedRootSchema } from "./trusted-root.schema";
import { expiresSoon, parseTrustedRoot, type ParsedTrustedRoot } from "@/lib/signatures/trusted-root";

/** The Setting row holding `{ root: <trusted_root.json> }`, the root keyless signatures are verified against. */
export const trustedRootKey = "signatures.trustedRoot";

export interface TrustedRootStatus {
  uploaded: boolean;
  sha256: string | null;
  /** When its first still-valid key ends; the console warns 30 days before. */
  expiresAt: string | null;
  expiresSoon: boolean;
  summary: ParsedTrustedRoot["summary"] | null;
}

/** The uploaded trusted root, or null when none is (keyless policies then verify nothing). */
export async function getTrustedRoot(client: Db | Tx = db()): Promise<ParsedTrustedRoot | null> {
  // The Releases page reads it on every request: the document (tens of KB) is read and its
  // certificates parsed once per stored version (the row's updatedAt moves with each upload);
  // otherwise only the version is read.
  const head = await client.setting.findUnique({ where: { key: trustedRootKey }, select: { updatedAt: true } });
  if (!head) return null;
  if (parsedRoot?.version === head.updatedAt.getTime()) return parsedRoot.parsed;
  const row = await client.setting.findUnique({ where: { key: trustedRootKey } });
  const root = (row?.value as { root?: unknown } | undefined)?.root;
  if (!row || !root) return null;
  const version = row.updatedAt.getTime();
  if (parsedRoot?.version !== version) {
    let parsed: ParsedTrustedRoot | null;
    try {
      parsed = parseTrustedRoot(root);
    } catch {
      parsed = null;
    }
    parsedRoot = { version, parsed };
  }
  return parsedRoot.parsed;
}

let parsedRoot: { version: number; parsed: ParsedTrustedRoot | null } | undefined;

export async function getTrustedRootStatus(client: Db | Tx = db()): Promise<TrustedRootStatus> {
  const root = await getTrustedRoot(client);
  return {
    uploaded: root !== null,
    sha256: root?.sha256 ?? null,
    expiresAt: root?.expiresAt?.toISOString() ?? null,
    expiresSoon: expiresSoon(root?.expiresAt ?? null),
    summary: root?.summary ?? null,
  };
}

/** An admin uploads the sigstore trusted root (`trusted_root.json`) keyless policies are checked against offline. */
export const setTrustedRoot: ChangeDefinition<typeof trustedRootSchema, TrustedRootStatus> = {
  permission: "settings.write",
  schema: trustedRootSchema,
  async run({ input, tx, audit }) {
    let json: unknown = input.trustedRoot;
    if (typeof json === "string") {
      try {
        json = JSON.parse(json);
      } catch {
        throw new UserError("trustedRoot: not JSON; expected the contents of trusted_root.json", "trustedRoot");
      }
    }
    let parsed: ParsedTrustedRoot;
    try {
      parsed = parseTrustedRoot(json);
    } catch (error) {
      throw new UserError(`trustedRoot: ${(error as Error).message}`, "trustedRoot");
    }
    const before = await getTrustedRoot(tx);
    const value = { root: json } as Prisma.InputJsonObject;
    await tx.setting.upsert({
      where: { key: trustedRootKey },
      create: { key: trustedRootKey, value },
      update: { value },
    });
    await audit({
      action: "settings.trusted_root",
      targetType: "setting",
      targetId: trustedRootKey,
      detail: {
        before: before ? { sha256: before.sha256 } : null,
        after: { sha256: parsed.sha256, expiresAt: parsed.expiresAt?.toISOString() ?? null, ...parsed.summary },
      },
    });
    return getTrustedRootStatus(tx);
  },
};
