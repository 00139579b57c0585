import crypto from "node:crypto";
import type { APIRequestContext } from "@playwright/test";
import { expect, signIn, test, waitForServerAction } from "./support/fixtures";

test("a token created in the console works until it is revoked there", async ({ page, admin, request }) => {
  const name = `ci-${crypto.randomBytes(3).toString("hex")}`;
  await signIn(page, admin);
  await page.goto("/settings/tokens");

  await page.getByLabel("Name", { exact: true }).fill(name);
  await expect(page.getByLabel("Owner")).toHaveValue(admin.email);
  await page.getByLabel("Role", { exact: true }).selectOption("viewer");
  await page.getByRole("button", { name: "Create token" }).click();
  const shown = page.getByTestId("new-token");
  await expect(shown).toContainText(name);
  const token = (await shown.locator("code").textContent())?.trim() ?? "";
  expect(token).toMatch(/^gty_[\w-]{20,}$/);

  // `request` carries no cookies: the bearer token is the only credential.
  const me = await getMe(request, token);
  expect(me.status()).toBe(200);
  expect(await me.json()).toEqual({ email: admin.email, role: "viewer", token: name });
  // The token acts with its own role (viewer), not its admin owner's.
  const refused = await request.post("/api/v1/users", {
    headers: bearer(token),
    data: { email: "nobody@example.com", role: "viewer", password: "never-going-to-be" },
  });
  expect(refused.status()).toBe(403);

  const row = page.getByTestId(`token-row-${name}`);
  await expect(row).toBeVisible();
  await Promise.all([waitForServerAction(page), row.getByRole("button", { name: "Revoke" }).click()]);
  await expect(row.getByText("revoked")).toBeVisible();

  const afterRevoke = await getMe(request, token);
  expect(afterRevoke.status()).toBe(401);
  expect(await afterRevoke.json()).toEqual({ error: { message: "The API token is unknown, expired or revoked." } });
});

test("a token made with the CLI works, an unknown one is refused", async ({ gantry, admin, request }) => {
  const name = `cli-${crypto.randomBytes(3).toString("hex")}`;
  const { stdout } = await gantry.cli([
    "tokens",
    "create",
    "--email",
    admin.email,
    "--name",
    name,
    "--role",
    "operator",
  ]);
  const token = stdout.trim();
  expect(token).toMatch(/^gty_[\w-]{20,}$/);

  const me = await getMe(request, token);
  expect(me.status()).toBe(200);
  expect(await me.json()).toEqual({ email: admin.email, role: "operator", token: name });

  expect((await getMe(request, `gty_${crypto.randomBytes(32).toString("base64url")}`)).status()).toBe(401);
});

function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

function getMe(request: APIRequestContext, token: string) {
  return request.get("/api/v1/me", { headers: bearer(token) });
}
