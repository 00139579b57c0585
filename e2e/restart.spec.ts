import { expect, fillSignIn, signIn, test, uniqueEmail } from "./support/fixtures";

test("users and sessions survive a restart of the console", async ({ page, browser, baseURL, admin, gantry }) => {
  test.setTimeout(180_000);
  const approver = { email: uniqueEmail("survivor"), password: "survives-restarts" };

  await signIn(page, admin);
  await page.goto("/settings/users");
  await page.getByLabel("Email", { exact: true }).fill(approver.email);
  await page.getByLabel("Name").fill("Survivor");
  await page.getByLabel("Role", { exact: true }).selectOption("approver");
  await page.getByLabel("Initial password").fill(approver.password);
  await page.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Added ${approver.email}.` })).toBeVisible();

  await gantry.restart();
  // The start says it is ready once, on standard error; standard output carries only JSON log lines.
  // Ready means the worker's heartbeat is in, which it writes just before it logs that it started.
  await expect
    .poll(() => gantry.startStreams.stdout, { message: "the worker's start line, as JSON on standard output" })
    .toContain('"msg":"worker started"');
  const { stdout, stderr } = gantry.startStreams;
  expect(stderr.match(/Gantry is running at /g)).toHaveLength(1);
  expect(stdout).not.toContain("Gantry is running at");
  expect(`${stdout}${stderr}`).not.toMatch(/- (Local|Network):/);
  const lines = stdout.split("\n").slice(0, -1); // the last may be half written
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();

  // The new user signs in on the restarted console.
  const context = await browser.newContext({ baseURL });
  const survivorPage = await context.newPage();
  await survivorPage.goto("/sign-in");
  await fillSignIn(survivorPage, approver);
  await expect(survivorPage).toHaveURL(/\/releases$/);
  await expect(survivorPage.getByRole("complementary").getByText(approver.email)).toBeVisible();
  await context.close();

  // The admin's session from before the restart still holds, and the user is listed.
  await page.goto("/settings/users");
  const row = page.getByTestId(`user-row-${approver.email}`);
  await expect(row).toContainText("Survivor");
  await expect(page.getByLabel(`Role of ${approver.email}`)).toHaveValue("approver");
  await expect(row.getByText("active")).toBeVisible();
});
