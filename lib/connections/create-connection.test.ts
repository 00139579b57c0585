import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { runChange, type Caller } from "@/lib/change/run-change";
import { setupTestDatabase } from "@/test/support/database";
import { createConnection } from "./create-connection";
import { getConnectionOrThrow } from "./get-connection-or-throw";
import { listConnections } from "./list-connections";
import { loadConnection } from "./load-connection";

process.env.GANTRY_SECRET_KEY = crypto.randomBytes(32).toString("base64");
const database = setupTestDatabase();
const admin: Caller = { userId: null, email: "admin@example.com", role: "admin" };
const client = { ip: null, userAgent: "vitest" };
const canary = `canary-${crypto.randomBytes(8).toString("hex")}`;

describe("createConnection", () => {
  it("stores the secret sealed, answers without it, and audits without it", async () => {
    const body = {
      name: "lab",
      provider: "generic",
      endpoint: "10.0.0.5:5000",
      insecure: true,
      auth: { kind: "basic", username: "ci", password: canary },
    };
    const result = await runChange(createConnection, admin, body, client);
    expect(result).toMatchObject({
      ok: true,
      data: {
        name: "lab",
        provider: "generic",
        endpoint: "10.0.0.5:5000",
        authKind: "basic",
        username: "ci",
        hasSecret: true,
      },
    });
    if (!result.ok) return;
    expect(JSON.stringify(result.data)).not.toContain(canary);

    const row = await database.db().registry.findUniqueOrThrow({ where: { id: result.data.id } });
    expect(row.secretCiphertext).toMatch(/^v1\./);
    expect(JSON.stringify(row)).not.toContain(canary);
    expect((await loadConnection(row.id)).connection.secret).toBe(canary);

    const audit = await database.db().auditEvent.findMany({ where: { targetId: row.id } });
    expect(audit.map((event) => event.action)).toEqual(["registry.created"]);
    expect(text(audit)).not.toContain(canary);
    expect(text(audit)).not.toContain(row.secretCiphertext!);

    expect(JSON.stringify(await listConnections())).not.toContain(canary);
    expect(JSON.stringify(await getConnectionOrThrow(row.id))).not.toContain(canary);
  });

  it("refuses bad input with the field and what was expected, and stores nothing", async () => {
    const result = await runChange(
      createConnection,
      admin,
      { name: "bad", provider: "ecr", endpoint: "ecr.example.com", auth: { kind: "aws", accessKeyId: "nope" } },
      client,
    );
    expect(result).toMatchObject({
      ok: false,
      status: 400,
      fieldErrors: {
        endpoint: expect.stringMatching(/^expected <12 digits>\.dkr\.ecr/),
        "auth.accessKeyId": expect.stringMatching(/^expected an access key id/),
      },
    });
    expect(await database.db().registry.count({ where: { name: "bad" } })).toBe(0);
  });

  it("refuses a second connection with the same name, naming the field", async () => {
    const body = { name: "lab", provider: "generic", endpoint: "10.0.0.6:5000", auth: { kind: "anonymous" } };
    expect(await runChange(createConnection, admin, body, client)).toMatchObject({
      ok: false,
      status: 409,
      fieldErrors: { name: expect.stringMatching(/exists already/) },
    });
  });

  it("lets only admins connect registries", async () => {
    const operator: Caller = { userId: null, email: "op@example.com", role: "operator" };
    const body = { name: "op", provider: "generic", endpoint: "10.0.0.7:5000", auth: { kind: "anonymous" } };
    expect(await runChange(createConnection, operator, body, client)).toMatchObject({ ok: false, status: 403 });
  });
});

/** JSON with the audit table's BigInt ids as strings. */
function text(value: unknown): string {
  return JSON.stringify(value, (_key, inner) => (typeof inner === "bigint" ? inner.toString() : inner));
}
