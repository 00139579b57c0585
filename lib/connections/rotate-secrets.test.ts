import crypto from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { runChange, type Caller } from "@/lib/change/run-change";
import { SecretBox } from "@/lib/secrets/secret-box";
import { setupTestDatabase } from "@/test/support/database";
import { createConnection } from "./create-connection";
import { openRegistrySecret } from "./registry-secret";
import { rotateSecrets } from "./rotate-secrets";

const oldKey = crypto.randomBytes(32);
process.env.GANTRY_SECRET_KEY = oldKey.toString("base64");
const database = setupTestDatabase();
const admin: Caller = { userId: null, email: "cli:ops@host", role: "admin" };
const client = { ip: null, userAgent: "vitest" };
const secrets = { one: "first-password", two: "second-password" };
const oldBox = new SecretBox(oldKey);
const newBox = new SecretBox(crypto.randomBytes(32));

beforeAll(async () => {
  for (const [name, password] of Object.entries(secrets)) {
    const result = await runChange(
      createConnection,
      admin,
      { name, provider: "generic", endpoint: "10.0.0.5:5000", auth: { kind: "basic", username: "ci", password } },
      client,
    );
    if (!result.ok) throw new Error(result.error);
  }
  await runChange(
    createConnection,
    admin,
    { name: "open", provider: "generic", endpoint: "10.0.0.5:5000", auth: { kind: "anonymous" } },
    client,
  );
});

const rows = () =>
  database.db().registry.findMany({ where: { secretCiphertext: { not: null } }, orderBy: { name: "asc" } });

describe("rotateSecrets", () => {
  it("re-seals every secret under the new key; the old key no longer opens them", async () => {
    const result = await runChange(rotateSecrets({ from: [oldBox], to: newBox }), admin, {}, client);
    expect(result).toEqual({
      ok: true,
      data: { resealed: 2, alreadyUnderNewKey: 0, fromKeyIds: [oldBox.keyId], toKeyId: newBox.keyId },
    });
    for (const row of await rows()) {
      expect(openRegistrySecret(row.id, row.secretCiphertext!, newBox)).toBe(secrets[row.name as keyof typeof secrets]);
      expect(() => openRegistrySecret(row.id, row.secretCiphertext!, oldBox)).toThrow(/sealed with key/);
    }
    const event = await database.db().auditEvent.findFirstOrThrow({ where: { action: "secrets.rotated" } });
    expect(event.detail).toEqual({
      resealed: 2,
      alreadyUnderNewKey: 0,
      fromKeyIds: [oldBox.keyId],
      toKeyId: newBox.keyId,
    });
  });

  it("finishes an interrupted rotation: secrets already under the new key are left as they are", async () => {
    const result = await runChange(rotateSecrets({ from: [oldBox, newBox], to: newBox }), admin, {}, client);
    expect(result).toMatchObject({ ok: true, data: { resealed: 0, alreadyUnderNewKey: 2 } });
  });

  it("changes nothing when a secret opens with none of the keys", async () => {
    const before = (await rows()).map((row) => row.secretCiphertext);
    const stranger = new SecretBox(crypto.randomBytes(32));
    const result = await runChange(rotateSecrets({ from: [oldBox], to: stranger }), admin, {}, client);
    expect(result).toMatchObject({
      ok: false,
      status: 409,
      error: expect.stringMatching(
        /^registry one: its secret opens with none of the keys given .*; nothing was changed$/,
      ),
    });
    expect((await rows()).map((row) => row.secretCiphertext)).toEqual(before);
  });
});
