import { startWebhookReceiver, type RunningWebhookReceiver } from "../test/fixtures/webhook-receiver";
import { expect, signIn, test } from "./support/fixtures";

// Issue #7, webhooks: an admin adds a webhook pointing at a receiver on this machine, copies
// the secret shown once, sends a test, and the receiver verifies the signature with it.
test.use({ gantryEnv: { GANTRY_ALLOW_LOOPBACK_WEBHOOKS: "1" } });
test.describe.configure({ mode: "serial" });

let receiver: RunningWebhookReceiver;

test.beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
test.afterAll(async () => {
  await receiver?.stop();
});

test("an admin adds a webhook, copies its secret, sends a test and sees 200 in the log; the receiver verifies the signature", async ({
  page,
  context,
  admin,
  gantry,
}) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: gantry.baseURL });
  await signIn(page, admin);
  await page.goto("/settings");
  await page.getByRole("link", { name: /Webhooks/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Webhooks" })).toBeVisible();
  await expect(page.getByText("No webhooks yet")).toBeVisible();

  // The server names the field it refuses.
  await page.getByLabel("Name").fill("release-bot");
  await page.getByLabel("URL").fill("http://169.254.169.254/latest");
  await page.getByRole("button", { name: "Add webhook" }).click();
  await expect(page.getByLabel("URL")).toHaveAttribute("aria-invalid", "true");
  await expect(
    page.getByText("169.254.169.254 is a cloud metadata service address: Gantry does not send webhooks there", {
      exact: true,
    }),
  ).toBeVisible();

  await page.getByLabel("URL").fill(receiver.url);
  await page.getByRole("checkbox", { name: /promotion\.succeeded/ }).check();
  await page.getByRole("checkbox", { name: /promotion\.failed/ }).check();
  await page.getByRole("button", { name: "Add webhook" }).click();
  const shown = page.getByTestId("new-webhook-secret");
  await expect(shown).toBeVisible();
  const displayed = (await shown.locator("code").innerText()).trim();
  expect(displayed).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
  await shown.getByRole("button", { name: "Copy signing secret" }).click();
  const secret = await page.evaluate(() => navigator.clipboard.readText());
  expect(secret).toBe(displayed);
  receiver.setSecret(secret);
  await expect(page.getByTestId("webhook-row-release-bot")).toContainText("2 of 8");

  await shown.getByRole("link", { name: "Open release-bot to send a test" }).click();
  await expect(page.getByRole("heading", { level: 1, name: /release-bot/ })).toBeVisible();
  await expect(page.getByText("Nothing delivered yet")).toBeVisible();
  await page.getByRole("button", { name: "Send test" }).click();
  await expect(page.getByTestId("test-result")).toContainText("Test delivered: receiver answered 200");
  const log = page.getByRole("table", { name: "Delivery log" });
  await expect(log.getByRole("row").filter({ hasText: "ping" })).toContainText("delivered");
  await expect(log.getByRole("row").filter({ hasText: "ping" }).getByRole("cell").nth(3)).toHaveText("200");

  expect(receiver.received).toHaveLength(1);
  expect(receiver.received[0]).toMatchObject({
    verified: true,
    verifyError: null,
    headers: { "x-gantry-event": "ping", "user-agent": "Gantry-Webhook/1" },
  });

  // A failing receiver: the code it answered is shown, and the log keeps both.
  receiver.failNext(1, 503);
  await page.getByRole("button", { name: "Send test" }).click();
  await expect(page.getByTestId("test-result")).toContainText("Test failed: receiver answered 503");
  await expect(log.getByRole("row").filter({ hasText: "failed" })).toContainText("answered HTTP 503");

  // Shown once: the secret is on no page and in no answer afterwards.
  await page.reload();
  expect(await page.content()).not.toContain(secret);
  await page.goto("/settings/webhooks");
  expect(await page.content()).not.toContain(secret);
  const api = await page.request.get("/api/v1/webhooks");
  expect(api.status()).toBe(200);
  expect(await api.text()).not.toContain(secret);
});

test("operators see no webhooks and the server refuses them", async ({ page, createUser }) => {
  const operator = await createUser("webhook-operator", "operator");
  await signIn(page, operator);
  await page.goto("/settings");
  await expect(page.getByRole("link", { name: /Webhooks/ })).toHaveCount(0);
  await page.goto("/settings/webhooks");
  await expect(page.getByText("You don't have access to this page")).toBeVisible();
  await expect(page.getByText(receiver.url)).toHaveCount(0);
  const list = await page.request.get("/api/v1/webhooks");
  expect(list.status()).toBe(403);
  const create = await page.request.post("/api/v1/webhooks", {
    headers: { origin: new URL(page.url()).origin },
    data: { name: "sneaky", url: receiver.url },
  });
  expect(create.status()).toBe(403);
});
