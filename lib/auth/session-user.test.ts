import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runChange, type Caller } from "@/lib/change/run-change";
import { updateUser } from "@/lib/users/user-changes";
import { proofLog } from "@/test/proof/support/proof-results";
import { setupTestDatabase } from "@/test/support/database";
import { nextAuthRequest, passwordSignIn, type AuthCookie } from "@/test/support/next-auth-handler";
import { hashPassword } from "./password";
import { userOfSession, type SessionClaims } from "./session-user";
import { signOutEverywhere } from "./sign-out-everywhere";

// A real password sign-in through next-auth with Gantry's authOptions: the cookie it sets is
// replayed after the session was ended and must no longer name a user, though its JWT is
// still validly signed and unexpired.
process.env.NEXTAUTH_URL = "http://gantry.test";
process.env.NEXTAUTH_SECRET = crypto.randomBytes(32).toString("base64");
const origin = "http://gantry.test";
const database = setupTestDatabase();
const proof = proofLog("session-revocation", "hardening");
afterAll(() => proof.write());
const password = "revocation-password-1";
const client = { ip: null, userAgent: "vitest" };
let viewer: Caller;

beforeAll(async () => {
  const user = await database.db().user.create({
    data: { email: "revoked@example.com", role: "viewer", passwordHash: await hashPassword(password) },
  });
  viewer = { userId: user.id, email: user.email, role: "viewer" };
  // Someone must stay admin for updateUser to go through.
  await database.db().user.create({ data: { email: "admin@example.com", role: "admin" } });
});

/** What getCurrentUser would answer for a request carrying this cookie. */
async function userWith(cookie: AuthCookie) {
  const session = await nextAuthRequest(origin, "session", { cookies: [cookie] });
  return userOfSession(session.body as SessionClaims);
}

const signIn = async () => {
  const cookie = await passwordSignIn(origin, { email: "revoked@example.com", password });
  if (!cookie) throw new Error("sign-in set no session cookie");
  return cookie;
};

describe("ending sessions", () => {
  it("refuses a copied session cookie after its user signed out, on every device", async () => {
    const [laptop, phone] = [await signIn(), await signIn()];
    expect(await userWith(laptop)).toMatchObject({ email: "revoked@example.com", role: "viewer" });
    expect(await userWith(phone)).toMatchObject({ email: "revoked@example.com" });

    expect(await runChange(signOutEverywhere, viewer, {}, client)).toMatchObject({ ok: true });
    // next-auth still decodes the cookie (it is signed and unexpired), Gantry no longer accepts it.
    expect((await nextAuthRequest(origin, "session", { cookies: [laptop] })).body).toMatchObject({
      user: { email: "revoked@example.com" },
    });
    expect(await userWith(laptop)).toBeNull();
    expect(await userWith(phone)).toBeNull();

    const again = await signIn();
    expect(await userWith(again)).toMatchObject({ email: "revoked@example.com" });
    const event = await database.db().auditEvent.findFirstOrThrow({ where: { action: "auth.sign_out" } });
    expect(event).toMatchObject({ targetId: viewer.userId, actorLabel: "revoked@example.com" });
    proof.add({
      area: "sessions",
      tried:
        "two session cookies from real next-auth sign-ins replayed after Sign out (unexpired, validly signed JWTs)",
      cases: 2,
      outcome: "both refused (no user); a new sign-in works; auth.sign_out audited",
    });
  });

  it("ends the sessions of a user whose role changes or who is disabled", async () => {
    const admin: Caller = { userId: null, email: "cli", role: "admin" };
    const before = await signIn();
    expect(await runChange(updateUser, admin, { userId: viewer.userId, role: "operator" }, client)).toMatchObject({
      ok: true,
    });
    expect(await userWith(before)).toBeNull();

    const current = await signIn();
    expect(await userWith(current)).toMatchObject({ role: "operator" });
    expect(await runChange(updateUser, admin, { userId: viewer.userId, disabled: false }, client)).toMatchObject({
      ok: true,
    });
    expect(await userWith(current), "an edit that changes nothing keeps the session").toMatchObject({
      role: "operator",
    });
    expect(await runChange(updateUser, admin, { userId: viewer.userId, disabled: true }, client)).toMatchObject({
      ok: true,
    });
    await database.db().user.update({ where: { id: viewer.userId! }, data: { disabledAt: null } });
    expect(await userWith(current), "re-enabled, the old session stays ended").toBeNull();
    proof.add({
      area: "sessions",
      tried:
        "a session cookie replayed after a role change, after an edit that changes nothing, after disable + re-enable",
      cases: 3,
      outcome: "refused after the role change and the disable; kept after the no-op edit",
    });
  });
});
