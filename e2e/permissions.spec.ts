import { expect, signIn, test, uniqueEmail, waitForServerAction } from "./support/fixtures";

interface UserList {
  users: { email: string; role: string }[];
}

test("a viewer sees no admin pages, and the API refuses their admin calls", async ({ page, createUser }) => {
  const viewer = await createUser("viewer", "viewer");
  await signIn(page, viewer);

  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible();
  await expect(page.getByText("Users and API tokens are managed by admins.")).toBeVisible();
  await expect(page.getByRole("link", { name: /^Users/ })).toHaveCount(0);
  await expect(page.getByRole("link", { name: /^API tokens/ })).toHaveCount(0);

  for (const path of ["/settings/users", "/settings/tokens"]) {
    await page.goto(path);
    await expect(page.getByText("You don't have access to this page")).toBeVisible();
    await expect(page.getByRole("button", { name: /Add user|Create token/ })).toHaveCount(0);
  }

  // The server checks the role itself: the viewer's own session, straight at the API.
  const email = uniqueEmail("by-viewer");
  const created = await page.request.post("/api/v1/users", {
    // A page of the console itself, as the browser would name it.
    headers: { origin: new URL(page.url()).origin },
    data: { email, role: "admin", password: "viewer-made-this-one" },
  });
  expect(created.status()).toBe(403);
  expect(((await created.json()) as { error: { message: string } }).error.message).toContain(
    "Your role (viewer) cannot do this",
  );
  expect((await page.request.get("/api/v1/users")).status()).toBe(403);
});

test("an admin demoted while their page is open is signed out: the server action refuses", async ({
  browser,
  baseURL,
  admin,
  createUser,
}) => {
  const demoted = await createUser("demoted-admin", "admin");

  // A: the soon-demoted admin, with the users page (and its Add user form) open.
  const contextA = await browser.newContext({ baseURL });
  const pageA = await contextA.newPage();
  await signIn(pageA, demoted);
  await pageA.goto("/settings/users");
  await expect(pageA.getByRole("button", { name: "Add user" })).toBeVisible();

  // B: another admin lowers A's role to viewer through the users table.
  const contextB = await browser.newContext({ baseURL });
  const pageB = await contextB.newPage();
  await signIn(pageB, admin);
  await pageB.goto("/settings/users");
  const roleOfA = pageB.getByLabel(`Role of ${demoted.email}`);
  await Promise.all([waitForServerAction(pageB), roleOfA.selectOption("viewer")]);
  await pageB.reload();
  await expect(pageB.getByLabel(`Role of ${demoted.email}`)).toHaveValue("viewer");

  // A's stale page still shows the admin form; submitting it reaches the server action, which
  // finds A's session ended (a role change bumps the user's session version).
  const newcomer = uniqueEmail("never-created");
  await pageA.getByLabel("Email", { exact: true }).fill(newcomer);
  await pageA.getByLabel("Role", { exact: true }).selectOption("admin");
  await pageA.getByLabel("Initial password").fill("not-going-to-exist");
  await pageA.getByRole("button", { name: "Add user" }).click();
  await expect(pageA.getByRole("alert").filter({ hasText: "Sign in to continue." })).toBeVisible();
  await expect(pageA.getByText(`Added ${newcomer}.`)).toHaveCount(0);

  const list = await pageB.request.get("/api/v1/users");
  expect(list.status()).toBe(200);
  const emails = ((await list.json()) as UserList).users.map((u) => u.email);
  expect(emails).toContain(demoted.email);
  expect(emails).not.toContain(newcomer);

  await pageA.reload();
  await expect(pageA).toHaveURL(/\/sign-in/);

  await contextA.close();
  await contextB.close();
});
