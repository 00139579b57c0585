import { beforeAll, describe, expect, it } from "vitest";
import { setupTestDatabase } from "@/test/support/database";
import { hashPassword } from "./password";
import { signInLimits, signInWithPassword } from "./sign-in-with-password";

const database = setupTestDatabase();
const password = "correct-horse-battery";

beforeAll(async () => {
  const passwordHash = await hashPassword(password);
  await database.db().user.createMany({
    data: [
      { email: "ops@example.com", role: "operator", passwordHash },
      { email: "locked@example.com", role: "viewer", passwordHash },
      { email: "gone@example.com", role: "viewer", passwordHash, disabledAt: new Date() },
    ],
  });
});

const attempt = (email: string, pw: string, ip = "198.51.100.1") =>
  signInWithPassword({ email, password: pw, ip, userAgent: "vitest" });

describe("signInWithPassword", () => {
  it("accepts the right password, whatever the email's case, and audits the sign-in", async () => {
    const outcome = await attempt("OPS@example.com", password);
    expect(outcome).toMatchObject({ ok: true, user: { email: "ops@example.com", role: "operator" } });
    const event = await database.db().auditEvent.findFirstOrThrow({ where: { action: "auth.sign_in" } });
    expect(event).toMatchObject({ actorLabel: "ops@example.com", ip: "198.51.100.1" });
  });

  it("refuses a wrong password and an unknown account with the same message, and audits both", async () => {
    expect(await attempt("ops@example.com", "wrong-password-1")).toEqual({
      ok: false,
      reason: "invalid",
      message: "Wrong email or password.",
    });
    expect(await attempt("nobody@example.com", "wrong-password-1")).toEqual({
      ok: false,
      reason: "invalid",
      message: "Wrong email or password.",
    });
    expect(await database.db().auditEvent.count({ where: { action: "auth.sign_in_failed" } })).toBe(2);
  });

  it("tells a disabled user who knows the password that the account is disabled", async () => {
    expect(await attempt("gone@example.com", password)).toMatchObject({ ok: false, message: /disabled/ });
  });

  it(`locks the (account, address) pair after ${signInLimits.perAccountAndIp} failures, and only that pair`, async () => {
    for (let i = 0; i < signInLimits.perAccountAndIp; i += 1)
      await attempt("locked@example.com", `wrong-${i}-password`, "203.0.113.7");
    const outcome = await attempt("locked@example.com", password, "203.0.113.7");
    expect(outcome).toMatchObject({ ok: false, reason: "locked", message: /Too many failed sign-ins/ });
    const failures = await database.db().auditEvent.findMany({
      where: { action: "auth.sign_in_failed", actorLabel: "locked@example.com" },
      orderBy: { id: "desc" },
    });
    expect(failures[0]!.detail).toMatchObject({ reason: "rate_limited" });
    expect(await attempt("locked@example.com", password, "198.51.100.77")).toMatchObject({ ok: true });
  });

  it(`slows one address after ${signInLimits.perIp} failures across accounts`, async () => {
    const ip = "192.0.2.200";
    for (let i = 0; i < signInLimits.perIp; i += 1) await attempt(`spray-${i}@example.com`, "wrong-password-x", ip);
    expect(await attempt("ops@example.com", password, ip)).toMatchObject({ ok: false, reason: "locked" });
    expect(await attempt("ops@example.com", password, "192.0.2.201")).toMatchObject({ ok: true });
  });
});
