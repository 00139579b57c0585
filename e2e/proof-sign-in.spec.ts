import crypto from "node:crypto";
import { apiToken } from "./support/api";
import { expect, test } from "./support/fixtures";
import { signInAddresses, signInOverHttp, type Attempt } from "./support/sign-in-over-http";
import { proofLog } from "../test/proof/support/proof-results";

// An install of its own (a distinct gantryEnv starts one): the sign-in limiter is pushed to the
// lock here, which no other spec may share. The Secure cookie under an https GANTRY_URL is
// proved in test/proof/session-cookie.test.ts (the e2e server must announce its localhost URL).
test.use({ gantryEnv: { GANTRY_PROOF_ISOLATED: "sign-in-limits" } });
test.describe.configure({ mode: "serial" });
const proof = proofLog("e2e-sign-in");
const hardening = proofLog("client-address", "hardening");
test.afterAll(() => {
  proof.write();
  hardening.write();
});

// lib/auth/sign-in-with-password.ts: signInLimits (15-minute window).
const PER_ACCOUNT = 5;
const PER_IP = 20;

test(`${PER_ACCOUNT} wrong passwords lock the account: the right one is refused next, other accounts still sign in`, async ({
  gantry,
  createUser,
}) => {
  const target = await createUser("proof-brute", "admin");
  const bystander = await createUser("proof-bystander", "viewer");
  const wrong: Attempt[] = [];
  for (let i = 0; i < PER_ACCOUNT; i += 1)
    wrong.push(
      await signInOverHttp(gantry.baseURL, {
        email: target.email,
        password: `guess-${i}-${crypto.randomBytes(4).toString("hex")}`,
      }),
    );
  expect(wrong.map((a) => a.error)).toEqual(Array(PER_ACCOUNT).fill("Wrong email or password."));
  const right = await signInOverHttp(gantry.baseURL, target);
  expect(right).toMatchObject({ ok: false, error: "Too many failed sign-ins. Try again in 15 minutes." });
  expect(right.cookies.filter((c) => c.includes("session-token="))).toEqual([]);
  expect(await signInOverHttp(gantry.baseURL, bystander)).toMatchObject({ ok: true });
  proof.add({
    area: "Sign-in brute force",
    tried: `${PER_ACCOUNT} wrong passwords on one account, then the right one`,
    cases: PER_ACCOUNT + 2,
    outcome: `refused ("Too many failed sign-ins", no session cookie); another account from the same address still signs in; wrong attempts took ${Math.min(...wrong.map((a) => a.ms))}–${Math.max(...wrong.map((a) => a.ms))} ms`,
  });
});

test(`${PER_IP} failures from one address across accounts lock that address out, even with a right password`, async ({
  gantry,
  createUser,
}) => {
  const user = await createUser("proof-spray", "viewer");
  // The previous test already failed PER_ACCOUNT times from this address.
  for (let i = PER_ACCOUNT; i < PER_IP; i += 1) {
    const attempt = await signInOverHttp(gantry.baseURL, {
      email: `spray-${i}-${crypto.randomBytes(3).toString("hex")}@example.com`,
      password: "password-spray-1",
    });
    expect(attempt.ok).toBe(false);
  }
  const right = await signInOverHttp(gantry.baseURL, user);
  expect(right).toMatchObject({ ok: false, error: "Too many failed sign-ins. Try again in 15 minutes." });
  proof.add({
    area: "Sign-in brute force",
    tried: `${PER_IP} failed sign-ins from one address over ${PER_IP} accounts, then a right password for a fresh account`,
    cases: PER_IP - PER_ACCOUNT + 1,
    outcome: 'refused ("Too many failed sign-ins"): the address is locked for 15 minutes',
  });
});

test("rotating X-Forwarded-For does not escape the address lock, and the audit trail records the real peer", async ({
  gantry,
  admin,
  createUser,
  request,
}) => {
  // No GANTRY_TRUSTED_PROXIES: the client address is the socket's peer, 127.0.0.1, which the previous test locked.
  const user = await createUser("proof-rotate", "viewer");
  const attempts: Attempt[] = [];
  for (let i = 1; i <= 3; i += 1)
    attempts.push(
      await signInOverHttp(gantry.baseURL, user, {
        "x-forwarded-for": `203.0.113.${i}`,
        "x-real-ip": `198.51.100.${i}`,
        "x-gantry-client-address": `192.0.2.${i}`,
      }),
    );
  expect(attempts.map((a) => a.error)).toEqual(Array(3).fill("Too many failed sign-ins. Try again in 15 minutes."));
  const recorded = await signInAddresses(request, await apiToken(gantry, admin.email, "admin"), user.email);
  expect(recorded).toEqual(Array(3).fill({ action: "auth.sign_in_failed", ip: "127.0.0.1" }));
  hardening.add({
    area: "client address",
    tried:
      "right password from a locked address, with X-Forwarded-For, X-Real-IP and x-gantry-client-address rotated per attempt (no GANTRY_TRUSTED_PROXIES)",
    cases: 3,
    outcome:
      'each refused ("Too many failed sign-ins"); the audit trail records 127.0.0.1, the socket\'s peer, for all three',
  });
});
