import crypto from "node:crypto";
import { expect, test, type Credentials } from "./support/fixtures";
import { proofLog } from "../test/proof/support/proof-results";

// An install of its own (a distinct gantryEnv starts one): the sign-in limiter is pushed to the
// lock here, which no other spec may share. The Secure cookie under an https GANTRY_URL is
// proved in test/proof/session-cookie.test.ts (the e2e server must announce its localhost URL).
test.use({ gantryEnv: { GANTRY_PROOF_ISOLATED: "sign-in-limits" } });
test.describe.configure({ mode: "serial" });
const proof = proofLog("e2e-sign-in");
test.afterAll(() => proof.write());

// lib/auth/sign-in-with-password.ts: signInLimits (15-minute window).
const PER_ACCOUNT = 5;
const PER_IP = 20;

interface Attempt {
  ok: boolean;
  error: string | null;
  cookies: string[];
  ms: number;
}

/** The sign-in form's request, by hand: CSRF token and cookie, then the credentials callback (as the browser posts it). */
async function signInOverHttp(baseURL: string, credentials: Credentials): Promise<Attempt> {
  const csrf = await fetch(`${baseURL}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookie = csrf.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const started = Date.now();
  const response = await fetch(`${baseURL}/api/auth/callback/password`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    body: new URLSearchParams({
      email: credentials.email,
      password: credentials.password,
      csrfToken,
      json: "true",
      callbackUrl: "/releases",
    }),
  });
  const ms = Date.now() - started;
  const { url } = (await response.json()) as { url: string };
  const error = new URL(url, baseURL).searchParams.get("error");
  const cookies = response.headers.getSetCookie();
  return { ok: !error && cookies.some((c) => c.includes("session-token=")), error, cookies, ms };
}

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
