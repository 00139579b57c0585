import { seedImage, skopeoInspectDigest } from "../test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "../test/fixtures/registry";
import { api, apiToken } from "./support/api";
import { expect, signIn, test, type Credentials } from "./support/fixtures";
import { sql } from "./support/secret-scan";

// Issue #7, "Done when": a promotion needing two approvals waits; its requester cannot approve
// it (the server refuses, not only the hidden button); a re-sync that changes a digest voids the
// approval already given, and the page says why; two approvers approve and it runs; tampering
// with an audit row as the database owner is found by `gantry audit verify`.
test.use({ gantryEnv: { GANTRY_ALLOW_LOOPBACK_REGISTRIES: "1" } });
test.describe.configure({ mode: "serial", timeout: 180_000 });

const components = ["vendor/api", "vendor/web"] as const;
let vendor: RunningRegistry;
let target: RunningRegistry;
const ids = { vendor: "", target: "", channel: "", release: "", promotion: "" };
const people = {} as Record<"requester" | "alice" | "bob", Credentials>;
const tokens = { admin: "", requester: "", alice: "" };

test.beforeAll(async () => {
  [vendor, target] = await Promise.all([startRegistry(), startRegistry()]);
  for (const repository of components)
    await seedImage(vendor, repository, "1.0.0", { layers: [{ size: 256 * 1024, seed: `${repository}-approvals` }] });
});

test.afterAll(async () => {
  await Promise.all([vendor?.stop(), target?.stop()]);
});

test("an admin requires two approvals on the target; the requester's promotion waits", async ({
  page,
  request,
  gantry,
  admin,
  createUser,
}) => {
  people.requester = await createUser("requester", "approver");
  people.alice = await createUser("alice", "approver");
  people.bob = await createUser("bob", "approver");
  tokens.admin = await apiToken(gantry, admin.email, "admin");
  tokens.requester = await apiToken(gantry, people.requester.email, "approver");
  tokens.alice = await apiToken(gantry, people.alice.email, "approver");
  const connect = async (name: string, host: string) =>
    (
      await api<{ id: string }>(request, "POST", "/api/v1/registries", tokens.admin, {
        name,
        provider: "generic",
        endpoint: host,
        insecure: true,
        auth: { kind: "anonymous" },
      })
    ).json.id;
  ids.vendor = await connect("vendor", vendor.host);
  ids.target = await connect("production", target.host);
  const channel = await api<{ id: string }>(request, "POST", "/api/v1/channels", tokens.admin, {
    name: "vendor-app",
    sourceRegistryId: ids.vendor,
    components,
    tagPattern: "^\\d+\\.\\d+\\.\\d+$",
    ordering: "semver",
    syncIntervalMinutes: 0,
  });
  expect(channel.status, JSON.stringify(channel.json)).toBe(201);
  ids.channel = channel.json.id;
  const synced = await api(request, "POST", `/api/v1/channels/${ids.channel}/sync`, tokens.admin);
  expect(synced.status, JSON.stringify(synced.json)).toBe(200);
  ids.release = (
    await api<{ releases: { id: string; latest: boolean }[] }>(
      request,
      "GET",
      `/api/v1/channels/${ids.channel}/releases`,
      tokens.admin,
    )
  ).json.releases.find((r) => r.latest)!.id;

  // The policy, set in the console on the connection's page.
  await signIn(page, admin);
  await page.goto(`/registries/${ids.target}`);
  await page.getByLabel("Approvals required").fill("2");
  await page.getByRole("button", { name: "Save policy" }).click();
  await expect(page.getByRole("status")).toHaveText("Saved.");

  // The requester promotes through the console; nothing moves.
  await page.context().clearCookies();
  await signIn(page, people.requester);
  await page.goto(`/promotions/new?releaseId=${ids.release}`);
  await page.getByLabel("Target registry").selectOption(ids.target);
  await page.getByRole("button", { name: "Review plan" }).click();
  await expect(page.getByTestId("plan-review")).toBeVisible({ timeout: 30_000 });
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page).toHaveURL(/\/promotions\/[a-z0-9]+$/);
  ids.promotion = page.url().split("/").pop()!;
  const panel = page.getByTestId(`approval-${ids.promotion}`);
  await expect(panel).toContainText("0 of 2 approvals");
  await expect(panel).toContainText("You requested this promotion, so another approver decides.");
  await expect(panel.getByRole("button", { name: "Approve" })).toHaveCount(0);

  // Not only the button: the server refuses the requester's own approval.
  const own = await api<{ error: { message: string } }>(
    request,
    "POST",
    `/api/v1/promotions/${ids.promotion}/approve`,
    tokens.requester,
    { comment: "mine" },
  );
  expect(own.status).toBe(403);
  expect(own.json.error.message).toContain("you requested this promotion");
  expect(
    (await api<{ status: string }>(request, "GET", `/api/v1/promotions/${ids.promotion}`, tokens.admin)).json.status,
  ).toBe("awaiting_approval");
});

test("a requester withdraws their own request from its approval card; it ends withdrawn", async ({ page, request }) => {
  await signIn(page, people.requester);
  await page.goto(`/promotions/new?releaseId=${ids.release}`);
  await page.getByLabel("Target registry").selectOption(ids.target);
  await page.getByLabel("Repository prefix").fill("withdrawn/");
  await page.getByRole("button", { name: "Review plan" }).click();
  await expect(page.getByTestId("plan-review")).toBeVisible({ timeout: 30_000 });
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page).toHaveURL(/\/promotions\/[a-z0-9]+$/);
  const id = page.url().split("/").pop()!;
  const panel = page.getByTestId(`approval-${id}`);
  // A waiting request says when it expires; once decided (withdrawn here) it no longer does.
  await expect(panel).toContainText(/0 of 2 approvals · expires \d{4}-\d{2}-\d{2}/);
  await panel.getByRole("button", { name: "Withdraw request" }).click();
  await expect(panel).toContainText("withdrawn by the requester");
  await expect(panel.getByRole("button", { name: "Withdraw request" })).toHaveCount(0);
  await expect(panel).toContainText("0 of 2 approvals · withdrawn by the requester");
  await expect(panel).not.toContainText("expires");
  expect((await api<{ status: string }>(request, "GET", `/api/v1/promotions/${id}`, tokens.admin)).json.status).toBe(
    "withdrawn",
  );
  // The other approvers no longer see it; nothing was pushed.
  await page.goto("/approvals");
  await expect(page.getByTestId(`approval-${id}`)).toHaveCount(0);
  await page.goto("/promotions?status=withdrawn");
  await expect(page.getByTestId(`promotion-row-${id}`)).toContainText("Withdrawn");
});

test("the first approval is voided by a digest change, and the page says why", async ({ page, request }) => {
  await signIn(page, people.alice);
  await expect(page.getByRole("link", { name: /Approvals/ })).toContainText("1");
  await page.goto("/approvals");
  const panel = page.getByTestId(`approval-${ids.promotion}`);
  await panel.getByLabel("Comment").fill("checked the release notes");
  await panel.getByRole("button", { name: "Approve" }).click();
  await expect(panel).toContainText("1 of 2 approvals");

  // The vendor re-pushes 1.0.0 of vendor/web; the next sync stores the new digest.
  const repushed = await seedImage(vendor, "vendor/web", "1.0.0", {
    layers: [{ size: 256 * 1024, seed: "vendor/web-repushed" }],
  });
  const resynced = await api(request, "POST", `/api/v1/channels/${ids.channel}/sync`, tokens.admin);
  expect(resynced.status, JSON.stringify(resynced.json)).toBe(200);
  await page.goto(`/promotions/${ids.promotion}`);
  await expect(panel).toContainText("0 of 2 approvals");
  await expect(panel.getByRole("alert")).toContainText("The release changed since this was requested: vendor/web");
  await expect(panel).toContainText(`void: the release changed after this decision (vendor/web`);
  test.info().annotations.push({ type: "repushed", description: repushed.manifestDigest });
});

test("two approvers approve the new digests and it runs; skopeo sees them at the target", async ({ page, request }) => {
  await signIn(page, people.bob);
  await page.goto(`/promotions/${ids.promotion}`);
  const panel = page.getByTestId(`approval-${ids.promotion}`);
  await panel.getByRole("button", { name: "Approve" }).click();
  await expect(panel).toContainText("1 of 2 approvals");
  const second = await api<{ status: string }>(
    request,
    "POST",
    `/api/v1/promotions/${ids.promotion}/approve`,
    tokens.alice,
    { comment: "again, on the new digest" },
  );
  expect(second.status, JSON.stringify(second.json)).toBe(200);
  expect(second.json.status).toBe("queued");

  await page.reload();
  await expect(page.getByTestId("promotion-totals")).toHaveAttribute("data-status", "succeeded", { timeout: 60_000 });
  // Approved: the card says it was decided, no longer when it expires.
  await expect(panel).toContainText(/\d of 2 approvals · decided/);
  await expect(panel).not.toContainText("expires");
  const release = (
    await api<{ releases: { id: string; images: { repository: string; digest: string }[] }[] }>(
      request,
      "GET",
      `/api/v1/channels/${ids.channel}/releases`,
      tokens.admin,
    )
  ).json.releases.find((r) => r.id === ids.release)!;
  for (const image of release.images) {
    expect(await skopeoInspectDigest(`${target.host}/team/${image.repository.split("/")[1]}:1.0.0`)).toBe(image.digest);
  }
});

test("tampering with an audit row as the database owner is found by gantry audit verify", async ({ gantry }) => {
  expect((await gantry.cli(["audit", "verify"])).code).toBe(0);
  await sql(
    gantry,
    `BEGIN; SET LOCAL session_replication_role = replica;
     UPDATE "AuditEvent" SET detail = jsonb_set(detail, '{comment}', '"approved by nobody"') WHERE id = (SELECT id FROM "AuditEvent" WHERE action = 'approval.approved' ORDER BY id LIMIT 1);
     COMMIT;`,
  );
  const verify = await gantry.cli(["audit", "verify"], { allowFailure: true });
  expect(verify.code).toBe(1);
  expect(verify.stdout).toMatch(/audit chain BROKEN at event #\d+/);
});
