import { beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "@/lib/auth/api-tokens";
import type { Role } from "@/lib/auth/roles";
import { runChange, type Caller } from "@/lib/change/run-change";
import { setupTestDatabase } from "@/test/support/database";
import { seedRelease } from "@/test/support/seed-release";
import { POST } from "./route";

const database = setupTestDatabase();
const cli: Caller = { userId: null, email: "cli", role: "admin" };
const client = { ip: null, userAgent: "vitest" };
const tokens: Record<string, string> = {};
const ids: Record<string, string> = {};
let promotionId: string;

beforeAll(async () => {
  const db = database.db();
  const { releaseId, targetRegistryId } = await seedRelease(db);
  const people: [string, Role][] = [
    ["requester", "operator"],
    ["colleague", "operator"],
    ["approver", "approver"],
    ["viewer", "viewer"],
  ];
  for (const [name, role] of people) {
    ids[name] = (await db.user.create({ data: { email: `${name}@example.com`, role } })).id;
    const created = await runChange(createApiToken, cli, { email: `${name}@example.com`, name }, client);
    if (!created.ok) throw new Error(created.error);
    tokens[name] = created.data.token;
  }
  promotionId = (
    await db.promotion.create({
      data: {
        releaseId,
        targetRegistryId,
        repositoryMapping: {},
        status: "awaiting_approval",
        approvalsRequired: 1,
        requestedById: ids.requester!,
      },
    })
  ).id;
});

const withdraw = (id: string, token?: string, body: unknown = { comment: "asked the wrong target" }) =>
  POST(
    new Request(`http://gantry.test/api/v1/promotions/${id}/withdraw`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    }),
    { params: Promise.resolve({ id }) },
  );

describe("POST /api/v1/promotions/{id}/withdraw", () => {
  it("lets only the requester withdraw; others are refused and nothing changes", async () => {
    expect((await withdraw(promotionId)).status).toBe(401);
    expect((await withdraw(promotionId, tokens.viewer)).status).toBe(403);
    for (const other of ["colleague", "approver"]) {
      const refused = await withdraw(promotionId, tokens[other]);
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({
        error: {
          message: expect.stringContaining("only the person who requested this promotion can withdraw it"),
          fields: { promotionId: expect.any(String) },
        },
      });
    }
    expect(await database.db().promotion.findUniqueOrThrow({ where: { id: promotionId } })).toMatchObject({
      status: "awaiting_approval",
    });
    expect(await database.db().auditEvent.count({ where: { action: "promotion.withdrawn" } })).toBe(0);
  });

  it("withdraws the requester's own request, audited with who and why; a second try is a conflict", async () => {
    const response = await withdraw(promotionId, tokens.requester);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "withdrawn" });
    expect(await database.db().promotion.findUniqueOrThrow({ where: { id: promotionId } })).toMatchObject({
      status: "withdrawn",
      finishedAt: expect.any(Date),
    });
    expect(
      await database
        .db()
        .auditEvent.findFirstOrThrow({ where: { action: "promotion.withdrawn", targetId: promotionId } }),
    ).toMatchObject({
      actorId: ids.requester,
      detail: {
        before: { status: "awaiting_approval" },
        after: { status: "withdrawn" },
        comment: "asked the wrong target",
      },
    });
    const again = await withdraw(promotionId, tokens.requester);
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { message: expect.stringContaining("not awaiting approval") } });
  });

  it("names the field when the promotion does not exist or the body is wrong", async () => {
    const missing = await withdraw("nope", tokens.requester);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({
      error: { message: expect.stringContaining("promotionId: no promotion nope") },
    });
    const bad = await withdraw(promotionId, tokens.requester, { comment: 42 });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { fields: { comment: "comment: expected text" } } });
  });
});
