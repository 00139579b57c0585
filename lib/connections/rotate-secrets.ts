import "server-only";
import { z } from "zod";
import type { ChangeDefinition } from "@/lib/change/run-change";
import { UserError } from "@/lib/change/errors";
import type { Tx } from "@/lib/db/prisma";
import type { SecretBox } from "@/lib/secrets/secret-box";
import { resealWebhookSecrets } from "@/lib/webhooks/reseal-webhook-secrets";
import { openRegistrySecret, sealRegistrySecret } from "./registry-secret";

export const rotateSecretsSchema = z.object({}).strict();

export interface RotationResult {
  /** Secrets opened with an old key and sealed again with the new one. */
  resealed: number;
  /** Secrets already under the new key (a rotation that stopped before its key file was renamed). */
  alreadyUnderNewKey: number;
  fromKeyIds: string[];
  toKeyId: string;
}

/**
 * Re-seals every stored secret under `to`, in one transaction: either all of them move to
 * the new key or none does. `from` are the keys a secret may be sealed with now (the current
 * key, and the new key of an interrupted rotation). Keys never travel through the input;
 * the audit event records only their public ids.
 */
export function rotateSecrets({
  from,
  to,
}: {
  from: SecretBox[];
  to: SecretBox;
}): ChangeDefinition<typeof rotateSecretsSchema, RotationResult> {
  return {
    permission: "settings.write",
    schema: rotateSecretsSchema,
    async run({ tx, audit }) {
      // Holds off edits that would seal with the old key while the rotation runs.
      await tx.$executeRaw`LOCK TABLE "Registry" IN SHARE ROW EXCLUSIVE MODE`;
      const rows = await tx.registry.findMany({
        where: { secretCiphertext: { not: null } },
        select: { id: true, name: true, secretCiphertext: true },
        orderBy: { name: "asc" },
      });
      const result: RotationResult = {
        resealed: 0,
        alreadyUnderNewKey: 0,
        fromKeyIds: from.map((box) => box.keyId),
        toKeyId: to.keyId,
      };
      for (const row of rows) {
        const sealed = row.secretCiphertext!;
        if (opensWith(to, row.id, sealed)) {
          result.alreadyUnderNewKey += 1;
          continue;
        }
        const box = from.find((candidate) => opensWith(candidate, row.id, sealed));
        if (!box) {
          throw new UserError(
            `registry ${row.name}: its secret opens with none of the keys given (current ${result.fromKeyIds.join(", ")}, new ${to.keyId}); nothing was changed`,
            undefined,
            409,
          );
        }
        await reseal(tx, row.id, openRegistrySecret(row.id, sealed, box), to);
        result.resealed += 1;
      }
      const webhooks = await resealWebhookSecrets(tx, { from, to });
      result.resealed += webhooks.resealed;
      result.alreadyUnderNewKey += webhooks.alreadyUnderNewKey;
      await audit({ action: "secrets.rotated", targetType: "secret-key", targetId: to.keyId, detail: { ...result } });
      return result;
    },
  };
}

function opensWith(box: SecretBox, registryId: string, sealed: string): boolean {
  try {
    openRegistrySecret(registryId, sealed, box);
    return true;
  } catch {
    return false;
  }
}

async function reseal(tx: Tx, registryId: string, secret: string, to: SecretBox): Promise<void> {
  await tx.registry.update({
    where: { id: registryId },
    data: { secretCiphertext: sealRegistrySecret(registryId, secret, to) },
  });
}
