import "server-only";
import { UserError } from "@/lib/change/errors";
import type { Tx } from "@/lib/db/prisma";
import type { SecretBox } from "@/lib/secrets/secret-box";
import { openWebhookSecret, sealWebhookSecret } from "./webhook-secret";

/**
 * The webhooks' part of `gantry secrets rotate`: re-seals every signing secret under `to`
 * inside the rotation's transaction, so a key rotation never leaves webhooks unable to sign.
 * A secret that opens with none of `from` (nor `to`) refuses the whole rotation.
 */
export async function resealWebhookSecrets(
  tx: Tx,
  { from, to }: { from: SecretBox[]; to: SecretBox },
): Promise<{ resealed: number; alreadyUnderNewKey: number }> {
  // Holds off a webhook being added under the old key while the rotation runs.
  await tx.$executeRaw`LOCK TABLE "Webhook" IN SHARE ROW EXCLUSIVE MODE`;
  const rows = await tx.webhook.findMany({
    select: { id: true, name: true, secretCiphertext: true },
    orderBy: { name: "asc" },
  });
  const counts = { resealed: 0, alreadyUnderNewKey: 0 };
  for (const row of rows) {
    if (opens(to, row)) {
      counts.alreadyUnderNewKey += 1;
      continue;
    }
    const box = from.find((candidate) => opens(candidate, row));
    if (!box) {
      const keys = `current ${from.map((b) => b.keyId).join(", ")}, new ${to.keyId}`;
      throw new UserError(
        `webhook ${row.name}: its signing secret opens with none of the keys given (${keys}); nothing was changed`,
        undefined,
        409,
      );
    }
    const secret = openWebhookSecret(row.id, row.secretCiphertext, box);
    await tx.webhook.update({
      where: { id: row.id },
      data: { secretCiphertext: sealWebhookSecret(row.id, secret, to) },
    });
    counts.resealed += 1;
  }
  return counts;
}

function opens(box: SecretBox, row: { id: string; secretCiphertext: string }): boolean {
  try {
    openWebhookSecret(row.id, row.secretCiphertext, box);
    return true;
  } catch {
    return false;
  }
}
