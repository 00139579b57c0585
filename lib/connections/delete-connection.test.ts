import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { runChange, type Caller } from "@/lib/change/run-change";
import { setupTestDatabase } from "@/test/support/database";
import { createConnection } from "./create-connection";
import { deleteConnection } from "./delete-connection";

process.env.GANTRY_SECRET_KEY = crypto.randomBytes(32).toString("base64");
const database = setupTestDatabase();
const admin: Caller = { userId: null, email: "admin@example.com", role: "admin" };
const client = { ip: null, userAgent: "vitest" };

async function connect(name: string): Promise<string> {
  const created = await runChange(
    createConnection,
    admin,
    {
      name,
      provider: "generic",
      endpoint: "10.0.0.5:5000",
      auth: { kind: "basic", username: "ci", password: "pw-1234" },
    },
    client,
  );
  if (!created.ok) throw new Error(created.error);
  return created.data.id;
}

describe("deleteConnection", () => {
  it("refuses while a channel or promotion uses the connection, naming them", async () => {
    const source = await connect("vendor");
    const target = await connect("private");
    const channel = await database.db().releaseChannel.create({
      data: {
        name: "deepgram",
        sourceRegistryId: source,
        components: ["vendor/api"],
        tagPattern: "*",
        ordering: "semver",
      },
    });
    const release = await database
      .db()
      .release.create({ data: { channelId: channel.id, tag: "1.2.3", sortKey: "1.2.3" } });
    const promotion = await database.db().promotion.create({
      data: { releaseId: release.id, targetRegistryId: target, repositoryMapping: {}, status: "queued" },
    });

    expect(await runChange(deleteConnection, admin, { id: source }, client)).toMatchObject({
      ok: false,
      status: 409,
      error: "registry vendor is used by channel(s) deepgram; delete those first",
    });
    expect(await runChange(deleteConnection, admin, { id: target }, client)).toMatchObject({
      ok: false,
      error: `registry private is used by promotion(s) deepgram 1.2.3 (${promotion.id}); delete those first`,
    });
    expect(await database.db().registry.count()).toBe(2);
  });

  it("deletes an unused connection and audits it", async () => {
    const id = await connect("spare");
    expect(await runChange(deleteConnection, admin, { id }, client)).toEqual({ ok: true, data: { id, deleted: true } });
    expect(await database.db().registry.findUnique({ where: { id } })).toBeNull();
    const event = await database
      .db()
      .auditEvent.findFirstOrThrow({ where: { targetId: id, action: "registry.deleted" } });
    expect(event.detail).toMatchObject({ before: { name: "spare", endpoint: "10.0.0.5:5000" } });
    expect(await runChange(deleteConnection, admin, { id }, client)).toMatchObject({ ok: false, status: 404 });
  });
});
