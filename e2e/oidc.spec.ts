import { expect, signIn, test } from "./support/fixtures";

test.use({ withOidc: true });

test("single sign-on creates a viewer on first sign-in and links the same person afterwards", async ({
  page,
  oidc,
  admin,
}) => {
  oidc!.signInAs({ sub: "sso-42", email: "Sso.Person@Example.com", name: "Sso Person" });
  await page.goto("/sign-in");
  await page.getByRole("button", { name: "Continue with Example SSO" }).click();
  await expect(page).toHaveURL(/\/releases$/);
  await expect(page.getByText("sso.person@example.com")).toBeVisible();
  await expect(page.getByText("Viewer", { exact: true })).toBeVisible();
  // The provider saw a confidential client using PKCE.
  expect(oidc!.tokenRequests.at(-1)).toEqual({
    grantType: "authorization_code",
    codeVerifier: true,
    clientAuth: "basic",
  });

  // Signing in again maps to the same Gantry user, not a second one.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.getByRole("button", { name: "Continue with Example SSO" }).click();
  await expect(page).toHaveURL(/\/releases$/);
  // The page's own session request re-issues the cookie (next-auth slides JWT sessions): let it
  // finish, or it sets the cookie again after the clear below.
  await page.waitForLoadState("networkidle");

  await page.context().clearCookies();
  await signIn(page, admin);
  const users = await (await page.request.get("/api/v1/users")).json();
  const sso = users.users.filter((u: { email: string }) => u.email === "sso.person@example.com");
  expect(sso).toHaveLength(1);
  expect(sso[0].role).toBe("viewer");
});

test("a disabled person cannot sign in through single sign-on", async ({ page, admin }) => {
  await signIn(page, admin);
  await page.goto("/settings/users");
  await page.getByTestId("user-row-sso.person@example.com").getByRole("button", { name: "Disable" }).click();
  await expect(page.getByTestId("user-row-sso.person@example.com").getByText("disabled")).toBeVisible();
  await page.waitForLoadState("networkidle");
  await page.context().clearCookies();

  await page.goto("/sign-in");
  await page.getByRole("button", { name: "Continue with Example SSO" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByRole("alert").filter({ hasText: /disabled/ })).toBeVisible();
});
