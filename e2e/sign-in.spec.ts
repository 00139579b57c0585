import { expect, fillSignIn, signIn, test } from "./support/fixtures";

test("a wrong password is refused with a message, the right one opens the console", async ({ page, createUser }) => {
  const operator = await createUser("sign-in", "operator");

  await page.goto("/sign-in");
  await fillSignIn(page, { email: operator.email, password: `${operator.password}-wrong` });
  await expect(page.getByRole("alert").filter({ hasText: "Wrong email or password." })).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in$/);

  await fillSignIn(page, operator);
  await expect(page).toHaveURL(/\/releases$/);
  await expect(page.getByRole("heading", { level: 1, name: "Releases" })).toBeVisible();
  await expect(page.getByRole("complementary").getByText(operator.email)).toBeVisible();
});

test("a long e-mail is cut short in the sidebar, and its tooltip gives it whole", async ({ page, createUser }) => {
  const person = await createUser("someone-with-a-rather-long-address.in-the-platform-team", "viewer");
  await signIn(page, person);
  const email = page.getByRole("complementary").getByText(person.email);
  await expect(email).toBeVisible();
  await expect(email).toHaveAttribute("title", person.email);
  // Truncated on the page (its text is wider than its box): the tooltip is the only place it is whole.
  expect(await email.evaluate((element) => element.scrollWidth > element.clientWidth)).toBe(true);
});

test("signing out ends the session, and a copy of its cookie stops working too", async ({ page, createUser }) => {
  const viewer = await createUser("sign-out", "viewer");
  await signIn(page, viewer);
  const copied = (await page.context().cookies()).filter((c) => c.name.endsWith("next-auth.session-token"));
  expect(copied).toHaveLength(1);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();

  await page.goto("/releases");
  await expect(page).toHaveURL(/\/sign-in$/);
  const me = await page.request.get("/api/v1/me");
  expect(me.status()).toBe(401);

  // The signed JWT is unexpired, but sign-out ended every session issued before it.
  await page.context().addCookies(copied);
  expect((await page.request.get("/api/v1/me")).status()).toBe(401);
  await page.goto("/releases");
  await expect(page).toHaveURL(/\/sign-in$/);
});

test("repeated wrong passwords lock the account, even against the right password", async ({ page, createUser }) => {
  // A throwaway account: the lock lasts 15 minutes.
  const target = await createUser("locked", "operator");
  await page.goto("/sign-in");
  for (let attempt = 1; attempt <= 5; attempt++) {
    await fillSignIn(page, { email: target.email, password: `wrong-password-${attempt}` });
    await expect(page.getByRole("alert").filter({ hasText: "Wrong email or password." })).toBeVisible();
  }

  await fillSignIn(page, target);
  await expect(
    page.getByRole("alert").filter({ hasText: "Too many failed sign-ins. Try again in 15 minutes." }),
  ).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in$/);
});
