import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as exportAudit } from "@/app/api/v1/audit/export/route";
import { GET as retentionGet, PUT as retentionPut } from "@/app/api/v1/audit/retention/route";
import { GET as listAudit } from "@/app/api/v1/audit/route";
import { POST as verifyAudit } from "@/app/api/v1/audit/verify/route";
import { runChange, type Caller } from "@/lib/change/run-change";
import { createApiToken } from "@/lib/auth/api-tokens";
import { proofLog } from "@/test/proof/support/proof-results";
import { setupTestDatabase } from "@/test/support/database";
import { recordAuditEvent } from "./record-audit-event";
import { runWithRequestContext } from "./request-context";

const database = setupTestDatabase();
const hardening = proofLog("audit-dates", "hardening");
afterAll(() => hardening.write());
const root: Caller = { userId: null, email: "root@example.com", role: "admin" };
const tokens: Record<"viewer" | "admin", string> = { viewer: "", admin: "" };
const noParams = { params: Promise.resolve({}) };

function request(path: string, role: "viewer" | "admin" | null, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  if (role) headers.set("authorization", `Bearer ${tokens[role]}`);
  if (init.body) headers.set("content-type", "application/json");
  return new Request(`http://localhost${path}`, { ...init, headers });
}

beforeAll(async () => {
  await database.db().user.createMany({
    data: [
      { email: "viewer@example.com", role: "viewer" },
      { email: "admin@example.com", role: "admin" },
    ],
  });
  for (const role of ["viewer", "admin"] as const) {
    const result = await runChange(
      createApiToken,
      root,
      { email: `${role}@example.com`, name: "script", role },
      { ip: null, userAgent: "vitest" },
    );
    if (!result.ok) throw new Error(result.error);
    tokens[role] = result.data.token;
  }
  // Values a spreadsheet would run, and text that needs CSV quoting.
  await runWithRequestContext(
    { actorId: null, actorLabel: '=HYPERLINK("http://evil")', ip: "10.0.0.9", userAgent: "curl" },
    () =>
      database.db().$transaction((tx) =>
        recordAuditEvent(tx, {
          action: "registry.updated",
          targetType: "registry",
          targetId: "-2+3",
          detail: { before: { name: "a,b" }, after: { name: 'say "hi"\nbye' } },
        }),
      ),
  );
});

describe("/api/v1/audit", () => {
  it("lets a viewer page through events as JSON and names a bad filter", async () => {
    const response = await listAudit(request("/api/v1/audit?limit=1", "viewer"), noParams);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { events: Array<{ action: string }>; nextCursor: string | null };
    expect(body.events.map((e) => e.action)).toEqual(["registry.updated"]);
    expect(body.nextCursor).toMatch(/^n_/);
    const next = (await (
      await listAudit(request(`/api/v1/audit?limit=1&cursor=${body.nextCursor}`, "viewer"), noParams)
    ).json()) as { events: Array<{ action: string }> };
    expect(next.events.map((e) => e.action)).toEqual(["token.created"]);

    const bad = await listAudit(request("/api/v1/audit?limit=1000", "viewer"), noParams);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      error: { message: "limit must be at most 200", fields: { limit: "limit must be at most 200" } },
    });
  });

  it("exports CSV with quoting and formula cells neutralised, filtered like the list", async () => {
    const response = await exportAudit(request("/api/v1/audit/export?format=csv&action=registry.", "viewer"));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(
      /^attachment; filename="gantry-audit-\d{8}T\d{6}Z\.csv"$/,
    );
    const text = await response.text();
    const lines = text.split("\r\n");
    expect(lines[0]).toBe(
      "id,at,actor,actor_id,action,target_type,target_id,summary,detail,ip,user_agent,prev_hash,hash",
    );
    expect(lines[1]).toMatch(
      /^\d+,\d{4}-\d\d-\d\dT[\d:.]+Z,"'=HYPERLINK\(""http:\/\/evil""\)",,registry\.updated,registry,'-2\+3,"Updated registry ""say ""hi"" bye"": name a,b → say ""hi"" bye",/,
    );
    expect(text).toContain(`"{""after"":{""name"":""say \\""hi\\""\\nbye""},""before"":{""name"":""a,b""}}"`);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe("");
  });

  it("exports JSON Lines, every event once", async () => {
    const response = await exportAudit(request("/api/v1/audit/export?format=jsonl", "viewer"));
    expect(response.headers.get("content-type")).toBe("application/x-ndjson; charset=utf-8");
    const events = (await response.text())
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { action: string; actorLabel: string });
    expect(events.map((e) => e.action)).toEqual(["registry.updated", "token.created", "token.created"]);
    expect(events[0]!.actorLabel).toBe('=HYPERLINK("http://evil")');
  });

  it("refuses an unknown format or a bad filter with a field, and a bad token", async () => {
    const format = await exportAudit(request("/api/v1/audit/export?format=xlsx", "viewer"));
    expect(format.status).toBe(400);
    expect(await format.json()).toMatchObject({ error: { fields: { format: "must be csv or jsonl" } } });
    const from = await exportAudit(request("/api/v1/audit/export?from=soon", "viewer"));
    expect(from.status).toBe(400);
    expect(await from.json()).toMatchObject({
      error: { fields: { from: expect.stringMatching(/from must be a date/) } },
    });
    const forged = await exportAudit(
      new Request("http://localhost/api/v1/audit/export", { headers: { authorization: "Bearer gty_nope" } }),
    );
    expect(forged.status).toBe(401);
  });

  it("lets an admin verify and set retention; the server refuses a viewer both", async () => {
    expect((await verifyAudit(request("/api/v1/audit/verify", "viewer", { method: "POST" }), noParams)).status).toBe(
      403,
    );
    const verdict = await verifyAudit(request("/api/v1/audit/verify", "admin", { method: "POST" }), noParams);
    expect(await verdict.json()).toEqual({ ok: true, events: 3 });

    const body = JSON.stringify({ days: 90 });
    const refused = await retentionPut(request("/api/v1/audit/retention", "viewer", { method: "PUT", body }), noParams);
    expect(refused.status).toBe(403);
    expect(await (await retentionGet(request("/api/v1/audit/retention", "viewer"), noParams)).json()).toEqual({
      days: null,
    });
    const set = await retentionPut(request("/api/v1/audit/retention", "admin", { method: "PUT", body }), noParams);
    expect(set.status).toBe(200);
    expect(await (await retentionGet(request("/api/v1/audit/retention", "viewer"), noParams)).json()).toEqual({
      days: 90,
    });
    const bad = await retentionPut(
      request("/api/v1/audit/retention", "admin", { method: "PUT", body: JSON.stringify({ days: -1 }) }),
      noParams,
    );
    expect(await bad.json()).toMatchObject({ error: { fields: { days: "days must be at least 1" } } });
  });

  it("names the field of a date Postgres cannot hold instead of dropping the export", async () => {
    for (const from of ["0000-01-01", "0000-12-31T23:00", "+010000-01-01T00:00:00Z"]) {
      const response = await exportAudit(request(`/api/v1/audit/export?from=${encodeURIComponent(from)}`, "viewer"));
      expect(response.status, from).toBe(400);
      expect(await response.json()).toMatchObject({
        error: { fields: { from: expect.stringMatching(/^from must be a date/) } },
      });
    }
    hardening.add({
      area: "audit",
      tried: "GET /api/v1/audit/export?from=0000-01-01 (and year 0 date-time, year 10000)",
      cases: 3,
      outcome: "400 naming `from`, instead of a Postgres 22008 and a dropped connection",
    });
  });
});
