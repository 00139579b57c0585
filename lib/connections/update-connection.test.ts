import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runChange, type Caller } from "@/lib/change/run-change";
import { proofLog } from "@/test/proof/support/proof-results";
import { setupTestDatabase } from "@/test/support/database";
import { createConnection } from "./create-connection";
import { loadConnection } from "./load-connection";
import { updateConnection } from "./update-connection";

process.env.GANTRY_SECRET_KEY = crypto.randomBytes(32).toString("base64");
const database = setupTestDatabase();
const proof = proofLog("connection-secret", "hardening");
afterAll(() => proof.write());
const admin: Caller = { userId: null, email: "admin@example.com", role: "admin" };
const client = { ip: null, userAgent: "vitest" };
const body = {
  name: "lab",
  provider: "generic",
  endpoint: "10.0.0.5:5000",
  insecure: true,
  auth: { kind: "basic", username: "ci", password: "first-secret" },
};
let id: string;

beforeAll(async () => {
  const created = await runChange(createConnection, admin, body, client);
  if (!created.ok) throw new Error(created.error);
  id = created.data.id;
});

const edit = (changes: Record<string, unknown>) =>
  runChange(updateConnection, admin, { ...body, auth: { kind: "basic", username: "ci" }, ...changes, id }, client);

describe("updateConnection", () => {
  it("keeps the stored secret when the edit leaves it out", async () => {
    const sealedBefore = (await database.db().registry.findUniqueOrThrow({ where: { id } })).secretCiphertext;
    expect(await edit({ name: "lab-renamed" })).toMatchObject({
      ok: true,
      data: { name: "lab-renamed", hasSecret: true },
    });
    const row = await database.db().registry.findUniqueOrThrow({ where: { id } });
    expect(row.secretCiphertext).toBe(sealedBefore);
    expect((await loadConnection(id)).connection.secret).toBe("first-secret");
  });

  it("replaces the secret when a new one is given, and audits that without it", async () => {
    expect(
      await edit({ name: "lab", auth: { kind: "basic", username: "ci", password: "second-secret" } }),
    ).toMatchObject({ ok: true });
    expect((await loadConnection(id)).connection.secret).toBe("second-secret");
    const events = await database
      .db()
      .auditEvent.findMany({ where: { targetId: id, action: "registry.updated" }, select: { detail: true } });
    expect(events.map((e) => (e.detail as { authChange: string }).authChange)).toEqual([
      "secret kept",
      "new secret given",
    ]);
    expect(JSON.stringify(events)).not.toMatch(/first-secret|second-secret/);
  });

  it("asks for the secret again when the endpoint changes, so it never goes to another host", async () => {
    const result = await edit({ endpoint: "evil.example.com:5000" });
    expect(result).toMatchObject({
      ok: false,
      status: 400,
      fieldErrors: { "auth.password": expect.stringMatching(/^expected the password or token: the endpoint changed/) },
    });
    expect((await database.db().registry.findUniqueOrThrow({ where: { id } })).endpoint).toBe("10.0.0.5:5000");
  });

  it("asks for the secret again when the insecure flag or the CA certificate changes", async () => {
    expect(await edit({ insecure: false })).toMatchObject({
      ok: false,
      status: 400,
      fieldErrors: { "auth.password": expect.stringMatching(/the insecure flag changed/) },
    });
    const ca = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";
    expect(await edit({ caPem: ca })).toMatchObject({
      ok: false,
      status: 400,
      fieldErrors: { "auth.password": expect.stringMatching(/the CA certificate changed/) },
    });
    const row = await database.db().registry.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ insecure: true, caPem: null });
    expect((await loadConnection(id)).connection.secret).toBe("second-secret");
    proof.add({
      area: "registry secret",
      tried:
        "edit a saved connection leaving the secret out while turning `insecure` off, and while adding a CA certificate",
      cases: 2,
      outcome: '400 on auth.password ("the insecure flag changed", "the CA certificate changed"); nothing saved',
    });
  });

  it("clears the secret when the connection becomes anonymous, and forgets the last check", async () => {
    await database.db().registry.update({
      where: { id },
      data: { lastCheckAt: new Date(), lastCheckOk: true, lastCheckResult: { ok: true } },
    });
    expect(await edit({ auth: { kind: "anonymous" } })).toMatchObject({
      ok: true,
      data: { hasSecret: false, authKind: "anonymous", lastCheck: null },
    });
    const row = await database.db().registry.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ secretCiphertext: null, lastCheckAt: null, lastCheckOk: null, lastCheckResult: null });
  });

  it("needs a secret when switching back to basic, since none is stored", async () => {
    expect(await edit({})).toMatchObject({
      ok: false,
      fieldErrors: { "auth.password": expect.stringMatching(/none is stored yet/) },
    });
  });

  it("answers 404 for an unknown id and 400 naming the field for a bad body", async () => {
    expect(await runChange(updateConnection, admin, { ...body, id: "nope" }, client)).toMatchObject({
      ok: false,
      status: 404,
    });
    expect(await runChange(updateConnection, admin, { ...body, endpoint: "https://x", id }, client)).toMatchObject({
      ok: false,
      status: 400,
      fieldErrors: { endpoint: expect.stringMatching(/without http/) },
    });
  });
});
