import "server-only";
import { z } from "zod";
import type { ChangeDefinition } from "@/lib/change/run-change";
import { UserError } from "@/lib/change/errors";
import type { Prisma } from "@/lib/db/generated/client";
import { testConnection } from "@/lib/registries/test-connection";
import type { StoredCheck } from "./check-result";
import { loadConnection } from "./load-connection";

export const testSavedConnectionSchema = z.object({
  id: z.string({ error: "expected the connection's id" }).min(1, "expected the connection's id"),
  /** A target is also checked for creating repositories and pushing. */
  purpose: z.enum(["source", "target"], { error: "expected source or target" }).default("target"),
});

interface Prepared {
  check: StoredCheck;
  /** What the check reached, so a result is not stored over a connection edited meanwhile. */
  reach: Prisma.RegistryWhereInput;
}

/**
 * Tests a saved connection step by step (decrypting its secret on the server only), then
 * stores the result, its time and the token's expiry. The check talks to the registry
 * before the transaction opens; the result is stored only if the connection still points
 * where it was tested.
 */
export const testSavedConnection: ChangeDefinition<typeof testSavedConnectionSchema, StoredCheck, Prepared> = {
  permission: "registries.test",
  schema: testSavedConnectionSchema,
  async prepare({ input }) {
    const { row, connection } = await loadConnection(input.id);
    const result = await testConnection(connection, { purpose: input.purpose });
    const reach = {
      id: row.id,
      provider: row.provider,
      endpoint: row.endpoint,
      namespace: row.namespace,
      authKind: row.authKind,
      username: row.username,
      secretCiphertext: row.secretCiphertext,
      insecure: row.insecure,
      caPem: row.caPem,
    };
    return { check: { ...result, purpose: input.purpose }, reach };
  },
  async run({ input, tx, audit, prepared: { check, reach } }) {
    const stored = await tx.registry.updateMany({
      where: reach,
      data: {
        lastCheckAt: new Date(check.checkedAt),
        lastCheckOk: check.ok,
        lastCheckResult: check as unknown as Prisma.InputJsonObject,
        tokenExpiresAt: check.tokenExpiresAt ? new Date(check.tokenExpiresAt) : null,
      },
    });
    if (stored.count === 0)
      throw new UserError(
        "The connection was changed or deleted while it was being tested; test it again.",
        undefined,
        409,
      );
    const failed = check.steps.find((step) => step.status === "failed");
    await audit({
      action: "registry.tested",
      targetType: "registry",
      targetId: input.id,
      detail: {
        after: {
          ok: check.ok,
          purpose: check.purpose,
          failedStep: failed ? { id: failed.id, message: failed.message } : null,
        },
      },
    });
    return check;
  },
};
