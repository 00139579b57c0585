import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { runChange, type Caller } from "@/lib/change/run-change";
import { verifyPassword } from "@/lib/auth/password";
import { proofLog } from "@/test/proof/support/proof-results";
import { setupTestDatabase } from "@/test/support/database";
import { bootstrapAdmin } from "./bootstrap-admin";
import { createUser, updateUser } from "./user-changes";

const database = setupTestDatabase();
const proof = proofLog("admin-race", "hardening");
afterAll(() => proof.write());
const context = { actorId: null, actorLabel: "first-run", ip: null, userAgent: null };
const client = { ip: null, userAgent: "vitest" };

describe("users", () => {
  it("creates the first admin exactly once, even when two setups race", async () => {
    const results = await Promise.all([
      bootstrapAdmin({ email: "first@example.com", password: "correct-horse-battery" }, context),
      bootstrapAdmin({ email: "second@example.com", password: "correct-horse-battery" }, context),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await database.db().user.count()).toBe(1);
    expect(await bootstrapAdmin({ email: "third@example.com", password: "correct-horse-battery" }, context)).toBeNull();
  });

  it("creates users with an argon2id hash and refuses a duplicate email, naming the field", async () => {
    const admin = await database.db().user.findFirstOrThrow({ where: { role: "admin" } });
    const caller: Caller = { userId: admin.id, email: admin.email, role: "admin" };
    const created = await runChange(
      createUser,
      caller,
      { email: "Viewer@Example.com", role: "viewer", password: "another-long-password" },
      client,
    );
    expect(created).toMatchObject({ ok: true });
    const user = await database.db().user.findUniqueOrThrow({ where: { email: "viewer@example.com" } });
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(user.passwordHash!, "another-long-password")).toBe(true);

    const duplicate = await runChange(
      createUser,
      caller,
      { email: "viewer@example.com", role: "viewer", password: "another-long-password" },
      client,
    );
    expect(duplicate).toMatchObject({
      ok: false,
      status: 400,
      fieldErrors: { email: expect.stringMatching(/already exists/) },
    });
  });

  it("rejects a bad role and a bad email with what was expected", async () => {
    const caller: Caller = { userId: null, email: "cli", role: "admin" };
    const result = await runChange(
      createUser,
      caller,
      { email: "not-an-email", role: "superuser", password: "x" },
      client,
    );
    expect(result).toMatchObject({
      ok: false,
      status: 400,
      fieldErrors: {
        email: "Email must be an address like name@example.com",
        role: "Role must be one of viewer, operator, approver, admin",
        password: "Password must be at least 12 characters",
      },
    });
  });

  it("keeps at least one active admin and doesn't let admins lock themselves out", async () => {
    const admin = await database.db().user.findFirstOrThrow({ where: { role: "admin" } });
    const caller: Caller = { userId: admin.id, email: admin.email, role: "admin" };
    expect(await runChange(updateUser, caller, { userId: admin.id, disabled: true }, client)).toMatchObject({
      ok: false,
      fieldErrors: { userId: expect.any(String) },
    });
    const viaCli = await runChange(
      updateUser,
      { userId: null, email: "cli", role: "admin" },
      { userId: admin.id, role: "viewer" },
      client,
    );
    expect(viaCli).toMatchObject({ ok: false, error: "At least one active admin must remain." });
    expect((await database.db().user.findUniqueOrThrow({ where: { id: admin.id } })).role).toBe("admin");
  });

  it("disables and re-enables a user, recording before and after", async () => {
    const admin = await database.db().user.findFirstOrThrow({ where: { role: "admin" } });
    const viewer = await database.db().user.findUniqueOrThrow({ where: { email: "viewer@example.com" } });
    const caller: Caller = { userId: admin.id, email: admin.email, role: "admin" };
    expect(
      await runChange(updateUser, caller, { userId: viewer.id, disabled: true, role: "operator" }, client),
    ).toMatchObject({ ok: true });
    const event = await database
      .db()
      .auditEvent.findFirstOrThrow({ where: { action: "user.updated", targetId: viewer.id } });
    expect(event.detail).toEqual({
      before: { role: "viewer", disabled: false },
      after: { role: "operator", disabled: true },
    });
  });

  it("leaves exactly one admin when two admins demote each other at the same moment", async () => {
    const db = database.db();
    const [a, b] = await Promise.all(
      ["duel-a@example.com", "duel-b@example.com"].map((email) => db.user.create({ data: { email, role: "admin" } })),
    );
    await db.user.updateMany({ where: { role: "admin", id: { notIn: [a!.id, b!.id] } }, data: { role: "operator" } });
    const as = (user: typeof a): Caller => ({ userId: user!.id, email: user!.email, role: "admin" });

    // Hold the audit chain so both changes are inside their transactions together, as two
    // requests landing at once would be, before either can commit.
    const holder = new pg.Client({ connectionString: database.url() });
    await holder.connect();
    try {
      await holder.query("SELECT pg_advisory_lock(7240913)");
      const both = Promise.all([
        runChange(updateUser, as(a), { userId: b!.id, role: "viewer" }, client),
        runChange(updateUser, as(b), { userId: a!.id, role: "viewer" }, client),
      ]);
      for (let waiting = 0; waiting < 2;) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        const { rows } = await holder.query(`SELECT count(*)::int AS n FROM pg_locks
           WHERE NOT granted AND locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`);
        waiting = rows[0].n;
      }
      await holder.query("SELECT pg_advisory_unlock(7240913)");
      const results = await both;
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.find((r) => !r.ok)).toMatchObject({ ok: false, error: "At least one active admin must remain." });
    } finally {
      await holder.end();
    }
    expect(await db.user.count({ where: { role: "admin", disabledAt: null } })).toBe(1);
    proof.add({
      area: "last admin",
      tried: "two admins demote each other in two transactions held open together (real Postgres, READ COMMITTED)",
      cases: 1,
      outcome: 'one succeeds, the other: "At least one active admin must remain."; one admin left',
    });
  });
});
