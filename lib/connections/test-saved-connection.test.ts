import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runChange, type Caller } from "@/lib/change/run-change";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";
import { setupTestDatabase } from "@/test/support/database";
import { createConnection } from "./create-connection";
import { getConnectionOrThrow } from "./get-connection-or-throw";
import { listConnectionRepositories } from "./list-connection-repositories";
import { testSavedConnection } from "./test-saved-connection";

process.env.GANTRY_SECRET_KEY = crypto.randomBytes(32).toString("base64");
process.env.GANTRY_ALLOW_LOOPBACK_REGISTRIES = "1";
const database = setupTestDatabase();
const admin: Caller = { userId: null, email: "admin@example.com", role: "admin" };
const operator: Caller = { userId: null, email: "op@example.com", role: "operator" };
const viewer: Caller = { userId: null, email: "viewer@example.com", role: "viewer" };
const client = { ip: null, userAgent: "vitest" };
const wrongPassword = `canary-${crypto.randomBytes(8).toString("hex")}`;
let registry: RunningRegistry;

beforeAll(async () => {
  registry = await startRegistry({ auth: "basic" });
});
afterAll(async () => {
  await registry?.stop();
});

async function connect(name: string, password: string): Promise<string> {
  const body = {
    name,
    provider: "generic",
    endpoint: registry.host,
    insecure: true,
    auth: { kind: "basic", username: "gantry", password },
  };
  const created = await runChange(createConnection, admin, body, client);
  if (!created.ok) throw new Error(created.error);
  return created.data.id;
}

const statuses = (steps: { id: string; status: string }[]) => steps.map((s) => `${s.id}:${s.status}`).join(" ");

describe("testSavedConnection", () => {
  it("tests with the stored secret as an operator, stores the result and its time, and audits it", async () => {
    const id = await connect("good", "gantry-pass");
    const result = await runChange(testSavedConnection, operator, { id }, client);
    if (!result.ok) throw new Error(result.error);
    expect(result.data).toMatchObject({ ok: true, purpose: "target" });
    expect(statuses(result.data.steps)).toBe(
      "dns:passed tcp:passed tls:skipped registry:passed challenge:passed credential:passed list:passed create:skipped push:passed",
    );

    const view = await getConnectionOrThrow(id);
    expect(view.lastCheck).toMatchObject({ ok: true, purpose: "target", checkedAt: result.data.checkedAt });
    const row = await database.db().registry.findUniqueOrThrow({ where: { id } });
    expect(row.lastCheckOk).toBe(true);
    expect(row.lastCheckAt?.toISOString()).toBe(result.data.checkedAt);
    const event = await database
      .db()
      .auditEvent.findFirstOrThrow({ where: { targetId: id, action: "registry.tested" } });
    expect(event).toMatchObject({
      actorLabel: "op@example.com",
      detail: { after: { ok: true, purpose: "target", failedStep: null } },
    });

    expect(await listConnectionRepositories(id)).toEqual({ source: "catalog", canCreate: false, repositories: [] });
  });

  it("fails a wrong password at the credential step, and the password appears nowhere", async () => {
    const id = await connect("wrong", wrongPassword);
    const result = await runChange(testSavedConnection, operator, { id, purpose: "source" }, client);
    if (!result.ok) throw new Error(result.error);
    expect(statuses(result.data.steps)).toBe(
      "dns:passed tcp:passed tls:skipped registry:passed challenge:passed credential:failed list:skipped create:skipped push:skipped",
    );
    expect(result.data.steps.find((s) => s.id === "credential")?.message).toBe(
      "the registry refused user 'gantry' (401): check the password or token",
    );
    const listing = await listConnectionRepositories(id);
    expect(listing.problem).toMatch(/401|unauthorized|refused/i);

    const row = await database.db().registry.findUniqueOrThrow({ where: { id } });
    expect(row.lastCheckOk).toBe(false);
    const audit = await database.db().auditEvent.findMany({ where: { targetId: id }, select: { detail: true } });
    expect(JSON.stringify([result, row, audit, listing])).not.toContain(wrongPassword);
  });

  it("refuses viewers, and answers 404 for an unknown connection", async () => {
    expect(await runChange(testSavedConnection, viewer, { id: "x" }, client)).toMatchObject({ ok: false, status: 403 });
    expect(await runChange(testSavedConnection, operator, { id: "missing" }, client)).toMatchObject({
      ok: false,
      status: 404,
    });
    expect(await runChange(testSavedConnection, operator, { id: "missing", purpose: "both" }, client)).toMatchObject({
      ok: false,
      status: 400,
      fieldErrors: { purpose: "expected source or target" },
    });
  });
});
