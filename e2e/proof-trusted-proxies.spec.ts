import crypto from "node:crypto";
import { apiToken } from "./support/api";
import { expect, test } from "./support/fixtures";
import { signInAddresses, signInOverHttp } from "./support/sign-in-over-http";
import { proofLog } from "../test/proof/support/proof-results";

// An install of its own that believes X-Forwarded-For from 127.0.0.1, where this spec (the
// "proxy") connects from. Without the setting, e2e/proof-sign-in.spec.ts shows the header ignored.
test.use({ gantryEnv: { GANTRY_TRUSTED_PROXIES: "127.0.0.1/32" } });
test.describe.configure({ mode: "serial" });
const proof = proofLog("trusted-proxies", "hardening");
test.afterAll(() => proof.write());

// lib/auth/sign-in-with-password.ts: signInLimits.perAccountAndIp.
const PER_ACCOUNT = 5;
const forged = { "x-gantry-client-address": "192.0.2.66", "x-real-ip": "192.0.2.67" };

test("behind a trusted proxy, the throttle and the audit trail use the forwarded client address", async ({
  gantry,
  admin,
  createUser,
  request,
}) => {
  const user = await createUser("proof-proxied", "viewer");
  const wrong = { email: user.email, password: `wrong-${crypto.randomBytes(4).toString("hex")}` };
  // The client claimed 198.51.100.9; the proxy appended the address it saw, 203.0.113.7.
  const attacker = { ...forged, "x-forwarded-for": "198.51.100.9, 203.0.113.7" };
  for (let i = 0; i < PER_ACCOUNT; i += 1)
    expect((await signInOverHttp(gantry.baseURL, wrong, attacker)).ok).toBe(false);
  expect(await signInOverHttp(gantry.baseURL, user, attacker)).toMatchObject({
    ok: false,
    error: "Too many failed sign-ins. Try again in 15 minutes.",
  });
  // Another client behind the same proxy is not locked out with the attacker.
  expect(await signInOverHttp(gantry.baseURL, user, { ...forged, "x-forwarded-for": "203.0.113.8" })).toMatchObject({
    ok: true,
  });
  const recorded = await signInAddresses(request, await apiToken(gantry, admin.email, "admin"), user.email);
  expect(recorded).toEqual([
    { action: "auth.sign_in", ip: "203.0.113.8" },
    ...Array(PER_ACCOUNT + 1).fill({ action: "auth.sign_in_failed", ip: "203.0.113.7" }),
  ]);
  proof.add({
    area: "client address",
    tried: `GANTRY_TRUSTED_PROXIES=127.0.0.1/32: ${PER_ACCOUNT} wrong passwords and the right one forwarded for "198.51.100.9, 203.0.113.7", then the right one for 203.0.113.8 (forged x-gantry-client-address and X-Real-IP on each)`,
    cases: PER_ACCOUNT + 2,
    outcome:
      "203.0.113.7 (the hop the trusted proxy saw, not the client's claim) is locked; 203.0.113.8 signs in; the audit trail records those two addresses",
  });
});
