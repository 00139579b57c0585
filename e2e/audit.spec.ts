import type { Page } from "@playwright/test";
import { expect, signIn, test, uniqueEmail } from "./support/fixtures";

// Issue #7 (audit history): the /audit page with filters in the URL, cursor pages, detail and
// exports; verification and retention for admins only; the History card on a registry.
test.use({ gantryEnv: { GANTRY_ALLOW_LOOPBACK_REGISTRIES: "1" } });
test.describe.configure({ mode: "serial" });

const people = [uniqueEmail("audit-a"), uniqueEmail("audit-b"), uniqueEmail("audit-c")];

test.beforeAll(async ({ gantry }) => {
  for (const email of people) {
    await gantry.cli(["users", "create", "--email", email, "--role", "viewer", "--password-stdin"], {
      stdin: "a-long-enough-password",
    });
  }
});

test("an admin filters the history in the URL, pages with cursors, reads the detail and exports what is filtered", async ({
  page,
  admin,
}) => {
  await signIn(page, admin);
  await page.goto("/audit");
  await expect(page.getByRole("heading", { level: 1, name: "Audit" })).toBeVisible();

  await page.getByLabel("Action").fill("user.");
  await page.getByLabel("Text").fill(people[1]!);
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/action=user\./);
  const rows = page.locator("tbody tr");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(`Created user "${people[1]}"`);
  await rows.first().getByText(`Created user "${people[1]}"`).click();
  await expect(rows.first().getByText('"role": "viewer"')).toBeVisible();

  // Three user.created events, two per page: newer/older follow the cursor and come back.
  await page.goto("/audit?action=user.created&limit=2");
  await expect(rows).toHaveCount(2);
  const firstPage = await rows.allTextContents();
  await page.getByRole("link", { name: "Older →" }).click();
  await expect(page).toHaveURL(/cursor=n_.*limit=2|limit=2.*cursor=n_/);
  await expect(rows).not.toHaveCount(0);
  expect(await rows.allTextContents()).not.toEqual(firstPage);
  await page.getByRole("link", { name: "← Newer" }).click();
  await expect(page).toHaveURL(/cursor=p_.*limit=2|limit=2.*cursor=p_/);
  await expect(rows).toHaveCount(2);
  expect(await rows.allTextContents()).toEqual(firstPage);

  // The export carries the same filters, over the session.
  await page.goto(`/audit?action=user.created&text=${encodeURIComponent(people[2]!)}`);
  const href = await page.getByRole("link", { name: "Export CSV" }).getAttribute("href");
  expect(href).toContain("format=csv");
  const csv = await page.request.get(href!);
  expect(csv.headers()["content-type"]).toBe("text/csv; charset=utf-8");
  const lines = (await csv.text()).trim().split("\r\n");
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain(people[2]);
});

test("a bad filter is named on the page instead of failing it", async ({ page, admin }) => {
  await signIn(page, admin);
  await page.goto("/audit?from=yesterday&limit=900");
  await expect(page.getByRole("alert").filter({ hasText: "from must be a date like 2026-11-23" })).toBeVisible();
  await expect(page.getByLabel("From (UTC)")).toHaveAttribute("aria-invalid", "true");
});

test("an admin verifies the chain and sets the retention, which is audited", async ({ page, admin }) => {
  await signIn(page, admin);
  await page.goto("/audit");
  await page.getByRole("link", { name: "Verify & retention" }).click();
  await page.getByRole("button", { name: "Verify now" }).click();
  await expect(page.getByTestId("verify-result")).toContainText(/intact\s*\d+ events verified/);

  await page.getByLabel(/Keep events for/).fill("0");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("days must be at least 1", { exact: true })).toBeVisible();
  await page.getByLabel(/Keep events for/).fill("400");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Events older than 400 days will be archived tonight.")).toBeVisible();
  await page.reload();
  await expect(page.getByLabel(/Keep events for/)).toHaveValue("400");

  await page.goto("/audit?action=settings.updated");
  await expect(page.locator("tbody tr").first()).toContainText("retentionDays ∅ → 400");
  await page.goto("/audit?action=audit.verified");
  await expect(page.locator("tbody tr")).toHaveCount(1);
});

test("a viewer reads the history but the server refuses verification and retention", async ({ page, createUser }) => {
  const viewer = await createUser("audit-viewer", "viewer");
  await signIn(page, viewer);
  await page.goto("/audit");
  await expect(page.locator("tbody tr").first()).toBeVisible();
  await expect(page.getByRole("link", { name: "Verify & retention" })).toHaveCount(0);
  await page.goto("/audit/verify");
  await expect(page.getByText("You don't have access to this page")).toBeVisible();

  expect((await page.request.post("/api/v1/audit/verify", { headers: sameOrigin(page) })).status()).toBe(403);
  const retention = await page.request.put("/api/v1/audit/retention", { headers: sameOrigin(page), data: { days: 1 } });
  expect(retention.status()).toBe(403);
  expect((await page.request.get("/api/v1/audit?limit=1")).status()).toBe(200);
});

test("a registry connection shows its history", async ({ page, admin }) => {
  await signIn(page, admin);
  const created = await page.request.post("/api/v1/registries", {
    headers: sameOrigin(page),
    data: {
      name: "history-lab",
      provider: "generic",
      endpoint: "127.0.0.1:1",
      insecure: true,
      auth: { kind: "anonymous" },
    },
  });
  expect(created.status()).toBe(201);
  const { id } = (await created.json()) as { id: string };
  const updated = await page.request.patch(`/api/v1/registries/${id}`, {
    headers: sameOrigin(page),
    data: {
      name: "history-lab-2",
      provider: "generic",
      endpoint: "127.0.0.1:1",
      insecure: true,
      auth: { kind: "anonymous" },
    },
  });
  expect(updated.status()).toBe(200);

  await page.goto(`/registries/${id}`);
  const history = page.getByTestId("audit-history");
  await expect(history.locator("tbody tr")).toHaveCount(2);
  await expect(history.locator("tbody tr").nth(0)).toContainText("registry.updated");
  await expect(history.locator("tbody tr").nth(1)).toContainText('Created registry "history-lab"');
  await history.getByRole("link", { name: "Open in Audit" }).click();
  await expect(page).toHaveURL(new RegExp(`targetType=registry&targetId=${id}`));
  await expect(page.locator("tbody tr")).toHaveCount(2);
});

/** The Origin a console page's own request carries: cookie-signed changes need it. */
function sameOrigin(page: Page): Record<string, string> {
  return { origin: new URL(page.url()).origin };
}

test("a long e-mail in the Actor column wraps at its @, never inside a word", async ({ page, gantry }) => {
  // No hyphen (a break there is a normal one): the only break an e-mail offers is the one made before its @.
  const person = {
    email: `releasemanager${Date.now() % 100000}@operations.example.com`,
    password: "a-long-enough-password",
  };
  await gantry.cli(["users", "create", "--email", person.email, "--role", "viewer", "--password-stdin"], {
    stdin: person.password,
  });
  // Signing in is audited with the e-mail as the actor.
  await signIn(page, person);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`/audit?actor=${encodeURIComponent(person.email)}`);
  const actor = page.locator("tbody tr").first().getByRole("link", { name: person.email });
  await expect(actor).toBeVisible();
  const lines = await actor.evaluate((link) => {
    // The rendered lines of each side of the @: one each when the break falls at the @.
    const linesOf = (node: Node) => {
      const range = document.createRange();
      range.selectNodeContents(node);
      return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
    };
    const [local, domain] = [...link.childNodes].filter((node) => node.nodeType === Node.TEXT_NODE);
    return { local: linesOf(local!), domain: linesOf(domain!), all: linesOf(link) };
  });
  // Each side whole; on one line or two, depending on how wide the table lets the column be.
  expect(lines).toMatchObject({ local: 1, domain: 1 });
  expect(lines.all).toBeLessThanOrEqual(2);
});
