import { afterAll, describe, expect, it } from "vitest";
import { proofLog } from "@/test/proof/support/proof-results";
import { setupTestDatabase } from "@/test/support/database";
import { linkOidcUser } from "./link-oidc-user";

const database = setupTestDatabase();
const proof = proofLog("oidc-email-verified", "hardening");
afterAll(() => proof.write());

describe("linkOidcUser", () => {
  it("links an existing account by e-mail only when the provider verified it, then by the recorded subject", async () => {
    const admin = await database.db().user.create({ data: { email: "boss@example.com", role: "admin" } });
    const unverified = await linkOidcUser({
      email: "Boss@example.com",
      name: "Not the boss",
      providerAccountId: "attacker-sub",
      emailVerified: false,
    });
    expect(unverified).toBeNull();
    expect(await database.db().account.count({ where: { providerAccountId: "attacker-sub" } })).toBe(0);
    expect(
      await linkOidcUser({
        email: "nobody-checked@example.com",
        name: null,
        providerAccountId: "x",
        emailVerified: false,
      }),
    ).toBeNull();
    expect(await database.db().user.count({ where: { email: "nobody-checked@example.com" } })).toBe(0);

    const verified = { email: "boss@example.com", name: null, providerAccountId: "boss-sub", emailVerified: true };
    expect(await linkOidcUser(verified)).toBe(admin.id);
    // The subject recorded at the first sign-in is what counts from then on.
    expect(await linkOidcUser({ ...verified, email: "renamed@example.com", emailVerified: false })).toBe(admin.id);
    proof.add({
      area: "OIDC",
      tried:
        "OIDC sign-in with email_verified false as an existing admin's address, and as a new address; then verified; then the linked subject unverified",
      cases: 4,
      outcome:
        "unverified: refused, nothing linked or created; verified: linked; the linked subject signs in by its sub",
    });
  });
});
