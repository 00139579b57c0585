import { describe, expect, it } from "vitest";
import { z } from "zod";
import { setupTestDatabase } from "@/test/support/database";
import { UserError } from "./errors";
import { runChange, type Caller, type ChangeDefinition } from "./run-change";

const database = setupTestDatabase();
const client = { ip: "192.0.2.7", userAgent: "vitest" };
const admin: Caller = { userId: null, email: "admin@example.com", role: "admin" };
const viewer: Caller = { userId: null, email: "viewer@example.com", role: "viewer" };

const schema = z.object({
  key: z.string().min(1, "Key is required").max(20, "Key must be at most 20 characters"),
  fail: z.enum(["no", "user", "bug"]).default("no"),
});

const writeSetting: ChangeDefinition<typeof schema, { key: string }> = {
  permission: "settings.write",
  schema,
  async run({ input, tx, audit }) {
    await tx.setting.create({ data: { key: input.key, value: { on: true } } });
    await audit({
      action: "setting.created",
      targetType: "setting",
      targetId: input.key,
      detail: { after: { on: true } },
    });
    if (input.fail === "user") throw new UserError("key: this key is reserved", "key");
    if (input.fail === "bug") throw new Error("connect ECONNREFUSED https://user:s3cret@registry.internal/v2/");
    return { key: input.key };
  },
};

describe("runChange", () => {
  it("writes the change and its audit event together, with who and from where", async () => {
    const result = await runChange(writeSetting, admin, { key: "alpha" }, client);
    expect(result).toEqual({ ok: true, data: { key: "alpha" } });
    const event = await database
      .db()
      .auditEvent.findFirstOrThrow({ where: { action: "setting.created", targetId: "alpha" } });
    expect(event).toMatchObject({ actorLabel: "admin@example.com", ip: "192.0.2.7", userAgent: "vitest" });
    expect(await database.db().setting.findUnique({ where: { key: "alpha" } })).not.toBeNull();
  });

  it("refuses a caller whose role is too low, writing nothing", async () => {
    const result = await runChange(writeSetting, viewer, { key: "beta" }, client);
    expect(result).toEqual({
      ok: false,
      status: 403,
      error: "Your role (viewer) cannot do this: it needs admin or above.",
    });
    expect(await database.db().setting.findUnique({ where: { key: "beta" } })).toBeNull();
  });

  it("refuses anonymous callers", async () => {
    expect(await runChange(writeSetting, null, { key: "gamma" }, client)).toMatchObject({ ok: false, status: 401 });
  });

  it("names each invalid field and what was expected", async () => {
    const result = await runChange(writeSetting, admin, { key: "" }, client);
    expect(result).toMatchObject({ ok: false, status: 400, fieldErrors: { key: "Key is required" } });
    expect(!result.ok && result.error).toContain("key: Key is required");
  });

  it("rolls back the change and its audit event when the change fails", async () => {
    const before = await database.db().auditEvent.count();
    const result = await runChange(writeSetting, admin, { key: "delta", fail: "user" }, client);
    expect(result).toEqual({
      ok: false,
      status: 400,
      error: "key: this key is reserved",
      fieldErrors: { key: "this key is reserved" },
    });
    expect(await database.db().setting.findUnique({ where: { key: "delta" } })).toBeNull();
    expect(await database.db().auditEvent.count()).toBe(before);
  });

  it("turns an unexpected error into a generic message that leaks nothing", async () => {
    const result = await runChange(writeSetting, admin, { key: "epsilon", fail: "bug" }, client);
    expect(result.ok).toBe(false);
    const message = !result.ok ? result.error : "";
    expect(message).toMatch(/^Something went wrong on our side \(reference [0-9a-f]{8}\)\. Nothing was changed\.$/);
    expect(message).not.toContain("s3cret");
    expect(await database.db().setting.findUnique({ where: { key: "epsilon" } })).toBeNull();
  });

  it("refuses a change that forgets its audit event", async () => {
    const silent: ChangeDefinition<typeof schema, null> = {
      ...writeSetting,
      async run({ input, tx }) {
        await tx.setting.create({ data: { key: input.key, value: {} } });
        return null;
      },
    };
    const result = await runChange(silent, admin, { key: "zeta" }, client);
    expect(result).toMatchObject({ ok: false, status: 500 });
    expect(await database.db().setting.findUnique({ where: { key: "zeta" } })).toBeNull();
  });

  it("runs `prepare` after the permission check and validation, outside the transaction, and hands its result to `run`", async () => {
    const calls: string[] = [];
    const prepared: ChangeDefinition<typeof schema, { key: string; answer: string }, string> = {
      permission: "settings.write",
      schema,
      async prepare({ input }) {
        calls.push(`prepare ${input.key}`);
        if (input.fail === "user") throw new UserError("key: the registry refused", "key", 502);
        // Slower than Prisma's 5 s transaction timeout would allow inside the transaction.
        await new Promise((resolve) => setTimeout(resolve, 5_500));
        return "from the network";
      },
      async run({ input, tx, audit, prepared: answer }) {
        await tx.setting.create({ data: { key: input.key, value: { answer } } });
        await audit({ action: "setting.created", targetType: "setting", targetId: input.key });
        return { key: input.key, answer };
      },
    };
    expect(await runChange(prepared, viewer, { key: "eta" }, client)).toMatchObject({ ok: false, status: 403 });
    expect(await runChange(prepared, admin, { key: "" }, client)).toMatchObject({ ok: false, status: 400 });
    expect(calls).toEqual([]);
    expect(await runChange(prepared, admin, { key: "eta" }, client)).toEqual({
      ok: true,
      data: { key: "eta", answer: "from the network" },
    });
    expect(await runChange(prepared, admin, { key: "theta", fail: "user" }, client)).toEqual({
      ok: false,
      status: 502,
      error: "key: the registry refused",
      fieldErrors: { key: "the registry refused" },
    });
    expect(await database.db().setting.findUnique({ where: { key: "theta" } })).toBeNull();
  });
});
