import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { runChange, type Caller } from "@/lib/change/run-change";
import { rotateSecrets } from "@/lib/connections/rotate-secrets";
import { SecretBox } from "@/lib/secrets/secret-box";
import { setupTestDatabase } from "@/test/support/database";
import { createWebhook } from "./create-webhook";
import { openWebhookSecret } from "./webhook-secret";

const oldKey = crypto.randomBytes(32);
process.env.GANTRY_SECRET_KEY = oldKey.toString("base64");
const database = setupTestDatabase();
const admin: Caller = { userId: null, email: "cli:ops@host", role: "admin" };
const client = { ip: null, userAgent: "vitest" };

describe("secrets rotate and webhooks", () => {
  it("re-seals webhook signing secrets under the new key with the registry secrets", async () => {
    const created = await runChange(createWebhook, admin, { name: "chat", url: "https://hooks.example.com/x" }, client);
    if (!created.ok) throw new Error(created.error);
    const oldBox = new SecretBox(oldKey);
    const newBox = new SecretBox(crypto.randomBytes(32));

    const stranger = new SecretBox(crypto.randomBytes(32));
    expect(await runChange(rotateSecrets({ from: [stranger], to: newBox }), admin, {}, client)).toMatchObject({
      ok: false,
      status: 409,
      error: expect.stringMatching(/^webhook chat: its signing secret opens with none of the keys/),
    });

    expect(await runChange(rotateSecrets({ from: [oldBox], to: newBox }), admin, {}, client)).toMatchObject({
      ok: true,
      data: { resealed: 1, alreadyUnderNewKey: 0 },
    });
    const row = await database.db().webhook.findUniqueOrThrow({ where: { id: created.data.id } });
    expect(openWebhookSecret(row.id, row.secretCiphertext, newBox)).toBe(created.data.secret);
    expect(() => openWebhookSecret(row.id, row.secretCiphertext, oldBox)).toThrow(/sealed with key/);
  });
});
