import { expect, test, uniqueEmail, type Credentials } from "./support/fixtures";

// Its own install, with no user yet: setup can only ever run once per install.
test.use({ freshInstall: true });
test.describe.configure({ mode: "serial" });

const firstAdmin: Credentials = { email: uniqueEmail("first-admin"), password: "first-admin-password" };

test("a fresh install sends visitors to setup, which names a too-short password", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole("heading", { name: "Create the first admin" })).toBeVisible();

  await page.getByLabel("Email").fill(firstAdmin.email);
  // Short and mistyped: both are said, not only that the two differ.
  await page.getByLabel("Password", { exact: true }).fill("short");
  await page.getByLabel("Confirm password").fill("shrot");
  await page.getByRole("button", { name: "Create admin and sign in" }).click();
  await expect(page.getByLabel("Password", { exact: true })).toHaveAccessibleDescription(
    /Password must be at least 12 characters/,
  );
  await expect(page.getByLabel("Confirm password")).toHaveAccessibleDescription(/The two passwords differ/);

  await page.getByLabel("Confirm password").fill("short");
  await page.getByRole("button", { name: "Create admin and sign in" }).click();
  const password = page.getByLabel("Password", { exact: true });
  await expect(password).toHaveAttribute("aria-invalid", "true");
  await expect(password).toHaveAccessibleDescription(/Password must be at least 12 characters/);
  await expect(page).toHaveURL(/\/setup$/);
});

test("setup creates the admin and signs them in; a second setup is refused by the server", async ({
  page,
  browser,
  baseURL,
}) => {
  // Someone else opens setup at the same time and submits after the admin exists.
  const late = await browser.newContext({ baseURL });
  const latePage = await late.newPage();
  await latePage.goto("/setup");
  await expect(latePage.getByRole("button", { name: "Create admin and sign in" })).toBeVisible();

  await page.goto("/setup");
  await page.getByLabel("Email").fill(firstAdmin.email);
  await page.getByLabel("Name").fill("First Admin");
  await page.getByLabel("Password", { exact: true }).fill(firstAdmin.password);
  await page.getByLabel("Confirm password").fill(firstAdmin.password);
  await page.getByRole("button", { name: "Create admin and sign in" }).click();

  await expect(page).toHaveURL(/\/releases$/);
  await expect(page.getByRole("heading", { level: 1, name: "Releases" })).toBeVisible();
  const sidebar = page.getByRole("complementary");
  await expect(sidebar.getByText(firstAdmin.email)).toBeVisible();
  await expect(sidebar.getByText("Admin", { exact: true })).toBeVisible();

  const intruder = { email: uniqueEmail("second-admin"), password: "second-admin-password" };
  await latePage.getByLabel("Email").fill(intruder.email);
  await latePage.getByLabel("Password", { exact: true }).fill(intruder.password);
  await latePage.getByLabel("Confirm password").fill(intruder.password);
  await latePage.getByRole("button", { name: "Create admin and sign in" }).click();
  await expect(
    latePage.getByRole("alert").filter({ hasText: "Setup is already done: sign in instead." }),
  ).toBeVisible();
  await expect(latePage).toHaveURL(/\/setup$/);

  // Only the first admin exists.
  const users = await page.request.get("/api/v1/users");
  expect(users.status()).toBe(200);
  const emails = ((await users.json()) as { users: { email: string; role: string }[] }).users.map(
    (u) => `${u.email}:${u.role}`,
  );
  expect(emails).toEqual([`${firstAdmin.email}:admin`]);

  // Setup is gone: without a session it leads to sign-in, with one to the console.
  await latePage.goto("/setup");
  await expect(latePage).toHaveURL(/\/sign-in$/);
  await expect(latePage.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await page.goto("/setup");
  await expect(page).toHaveURL(/\/releases$/);
  await late.close();
});
