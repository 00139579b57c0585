import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { listAccountsUnderAttack } from "@/lib/auth/sign-in-attacks";
import { signInDelayMs, signInLimits, signInWithPassword } from "@/lib/auth/sign-in-with-password";
import { setupTestDatabase } from "@/test/support/database";
import { proofLog } from "./support/proof-results";

// Anyone can fail to sign in as the admin. That must not keep the admin out: an attacker who
// fails 40 times from a handful of addresses, and keeps failing while the admin signs in,
// locks only their own (account, address) pairs and slows the account's answers.
const database = setupTestDatabase();
const proof = proofLog("sign-in-lockout", "hardening");
const password = "the-admins-own-password";
const limits = { ...signInLimits };

beforeAll(async () => {
  // The same policy, with a delay short enough for a test.
  Object.assign(signInLimits, { delayBaseMs: 5, maxDelayMs: 40 });
  await database.db().user.create({
    data: { email: "admin@example.com", role: "admin", passwordHash: await hashPassword(password) },
  });
});
afterAll(() => {
  Object.assign(signInLimits, limits);
  proof.write();
});

const attempt = (pw: string, ip: string) =>
  signInWithPassword({ email: "admin@example.com", password: pw, ip, userAgent: "proof" });

describe("sign-in lock-out an attacker cannot hold", () => {
  it("40 failures from 8 addresses lock those addresses out of the account, not the admin", async () => {
    const attackers = Array.from({ length: 8 }, (_, i) => `203.0.113.${i + 1}`);
    for (let round = 0; round < 5; round += 1) for (const ip of attackers) await attempt(`guess-${round}-${ip}`, ip);
    // Still attacking while the admin signs in from their own address.
    expect(await attempt("one-more-guess", attackers[0]!)).toMatchObject({ ok: false, reason: "locked" });
    expect(await attempt(password, attackers[0]!)).toMatchObject({ ok: false, reason: "locked" });
    const admin = await attempt(password, "198.51.100.20");
    expect(admin).toMatchObject({ ok: true, user: { email: "admin@example.com" } });
    expect(signInDelayMs(42)).toBe(40);
    expect(limits.maxDelayMs).toBeGreaterThan(0);

    const underAttack = await listAccountsUnderAttack();
    expect(underAttack).toEqual([expect.objectContaining({ email: "admin@example.com", failures: 42, addresses: 8 })]);
    proof.add({
      area: "sign-in lock-out",
      tried:
        "42 wrong passwords for the admin from 8 addresses, then the right one from the attackers' and the admin's address",
      cases: 3,
      outcome:
        "attacker pairs locked (even with the right password); the admin signs in from their address; the account is listed as under attack (42 failures, 8 addresses)",
    });
  });

  it("answers slow down as account failures grow, up to the cap", () => {
    Object.assign(signInLimits, limits);
    try {
      const delays = [4, 5, 6, 7, 9, 20].map(signInDelayMs);
      expect(delays).toEqual([0, 250, 500, 1000, 4000, 8000]);
      proof.add({
        area: "sign-in lock-out",
        tried: "answer delay after 4, 5, 6, 7, 9, 20 account failures in 15 minutes",
        cases: delays.length,
        outcome: `${delays.join(", ")} ms (doubling from 250 ms, capped at 8 s; nobody is locked out)`,
      });
    } finally {
      Object.assign(signInLimits, { delayBaseMs: 5, maxDelayMs: 40 });
    }
  });
});
