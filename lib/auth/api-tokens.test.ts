import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as createTokenRoute } from "@/app/api/v1/tokens/route";
import { POST as revokeTokenRoute } from "@/app/api/v1/tokens/[id]/revoke/route";
import { runChange, type Caller } from "@/lib/change/run-change";
import { proofLog } from "@/test/proof/support/proof-results";
import { setupTestDatabase } from "@/test/support/database";
import { authenticateApiToken, createApiToken, hashToken, revokeApiToken } from "./api-tokens";

const database = setupTestDatabase();
const proof = proofLog("token-minting", "hardening");
afterAll(() => proof.write());
const admin: Caller = { userId: null, email: "root@example.com", role: "admin" };
const client = { ip: null, userAgent: "vitest" };

beforeAll(async () => {
  await database.db().user.createMany({
    data: [
      { email: "ci@example.com", role: "operator" },
      { email: "boss@example.com", role: "admin" },
    ],
  });
});

async function newToken(input: Record<string, unknown>) {
  const result = await runChange(createApiToken, admin, input, client);
  if (!result.ok) throw new Error(result.error);
  return result.data;
}

describe("API tokens", () => {
  it("stores only the token's hash and authenticates the token as its owner with its role", async () => {
    const { token, id } = await newToken({ email: "ci@example.com", name: "pipeline", role: "viewer" });
    expect(token).toMatch(/^gty_[A-Za-z0-9_-]{43}$/);
    const row = await database.db().apiToken.findUniqueOrThrow({ where: { id } });
    expect(row.tokenHash).toBe(hashToken(token));
    expect(JSON.stringify(row)).not.toContain(token);
    expect(await authenticateApiToken(token)).toEqual({
      userId: row.userId,
      email: "ci@example.com",
      role: "viewer",
      tokenName: "pipeline",
    });
  });

  it("refuses a role above the owner's", async () => {
    const result = await runChange(
      createApiToken,
      admin,
      { email: "ci@example.com", name: "too-strong", role: "admin" },
      client,
    );
    expect(result).toMatchObject({ ok: false, status: 400, fieldErrors: { role: expect.stringMatching(/operator/) } });
  });

  it("acts with the owner's current role when the owner was demoted", async () => {
    const { token } = await newToken({ email: "boss@example.com", name: "deploy" });
    await database.db().user.update({ where: { email: "boss@example.com" }, data: { role: "approver" } });
    expect(await authenticateApiToken(token)).toMatchObject({ role: "approver" });
  });

  it("stops accepting a revoked token, an expired one, a disabled owner's and garbage", async () => {
    const revoked = await newToken({ email: "ci@example.com", name: "revoked" });
    expect(await runChange(revokeApiToken, admin, { tokenId: revoked.id }, client)).toMatchObject({ ok: true });
    expect(await authenticateApiToken(revoked.token)).toBeNull();

    const expired = await newToken({ email: "ci@example.com", name: "expired", expiresInDays: 1 });
    await database
      .db()
      .apiToken.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await authenticateApiToken(expired.token)).toBeNull();

    const owned = await newToken({ email: "ci@example.com", name: "owner-disabled" });
    await database.db().user.update({ where: { email: "ci@example.com" }, data: { disabledAt: new Date() } });
    expect(await authenticateApiToken(owned.token)).toBeNull();

    expect(await authenticateApiToken("gty_not-a-real-token")).toBeNull();
    expect(await authenticateApiToken("Bearer nonsense")).toBeNull();
  });

  it("audits creation and revocation without the token", async () => {
    const events = await database.db().auditEvent.findMany({ where: { targetType: "api_token" } });
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(["token.created", "token.revoked"]));
    expect(JSON.stringify(events.map((e) => e.detail))).not.toMatch(/gty_/);
  });

  it("lets a user create tokens only for themselves; an admin still revokes anyone's", async () => {
    await database.db().user.createMany({
      data: [
        { email: "chief@example.com", role: "admin" },
        { email: "approver-1@example.com", role: "approver" },
      ],
    });
    const chief = await newToken({ email: "chief@example.com", name: "chief-cli" });
    const post = (body: unknown) =>
      createTokenRoute(
        new Request("http://gantry.test/api/v1/tokens", {
          method: "POST",
          headers: { authorization: `Bearer ${chief.token}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        }),
        { params: Promise.resolve({}) },
      );

    const forOther = await post({ email: "approver-1@example.com", name: "approver-ci", role: "approver" });
    expect(forOther.status).toBe(403);
    expect(await forOther.json()).toEqual({
      error: {
        message: expect.stringMatching(/^email: a token can be created only by its own user/),
        fields: { email: expect.stringMatching(/^a token can be created only by its own user/) },
      },
    });
    const approver = await database.db().user.findUniqueOrThrow({ where: { email: "approver-1@example.com" } });
    expect(await post({ userId: approver.id, name: "approver-ci" }).then((r) => r.status)).toBe(403);
    expect(await database.db().apiToken.count({ where: { userId: approver.id } })).toBe(0);

    const own = await post({ name: "chief-ci", role: "operator" });
    expect(own.status).toBe(201);
    const { token } = (await own.json()) as { token: string };
    expect(await authenticateApiToken(token)).toMatchObject({ email: "chief@example.com", role: "operator" });

    const theirs = await newToken({ email: "approver-1@example.com", name: "from-the-shell" });
    const revoked = await revokeTokenRoute(
      new Request(`http://gantry.test/api/v1/tokens/${theirs.id}/revoke`, {
        method: "POST",
        headers: { authorization: `Bearer ${chief.token}`, "content-type": "application/json" },
        body: "{}",
      }),
      { params: Promise.resolve({ id: theirs.id }) },
    );
    expect(revoked.status).toBe(200);
    expect(await authenticateApiToken(theirs.token)).toBeNull();
    proof.add({
      area: "API tokens",
      tried:
        "an admin's token POSTs /api/v1/tokens for an approver (by email, by userId), for itself, and revokes another user's token",
      cases: 4,
      outcome: "403 on `email` for both others (no token made); 201 for itself; revoke 200",
    });
  });
});
