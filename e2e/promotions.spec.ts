import crypto from "node:crypto";
import type { APIRequestContext, Page } from "@playwright/test";
import { startFaultProxy, type RunningFaultProxy } from "../test/fixtures/fault-proxy";
import { seedImage, skopeoInspectDigest } from "../test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "../test/fixtures/registry";
import { api, apiToken } from "./support/api";
import { expect, signIn, test, type Credentials } from "./support/fixtures";
import { sql } from "./support/secret-scan";

// Issue #6, "Done when": a vendor registry with a three-component release and private target
// registries (real CNCF registries), connected and a channel synced through the API, the
// latest release promoted in the console with progress watched live, every image pushed and
// its digest confirmed by skopeo; stop and resume mid-push; the worker killed mid-push and
// recovering; an auth failure and a too_large image explained on the page.
//
// The vendor registry sits behind a fault proxy that trickles blob downloads, so each push
// takes several seconds and "mid-push" is something the page shows, not a race.
test.use({
  separateWorker: true,
  gantryEnv: { GANTRY_ALLOW_LOOPBACK_REGISTRIES: "1", GANTRY_PROMOTION_STALL_SECONDS: "4" },
});
test.describe.configure({ mode: "serial" });

const components = ["vendor/api", "vendor/engine", "vendor/license-proxy"] as const;
const latestTag = "2.4.0";
const password = (label: string) => `${label}-${crypto.randomBytes(8).toString("hex")}`;
const secrets = {
  vendor: password("vendor"),
  main: password("main"),
  stopper: password("stopper"),
  crash: password("crash"),
  limited: password("limited"),
};
/** Blob downloads from the vendor at this rate each: at 512 KiB/s a 3-4 MiB layer takes several seconds. */
const trickle = (bytesPerSecond: number) => ({
  match: { method: "GET", path: /\/blobs\/sha256:/ },
  times: Number.POSITIVE_INFINITY,
  action: { kind: "trickle" as const, bytesPerSecond },
});
/** Slow enough that a push outlasts anything a test does in the middle of it (a 4 MiB layer: ~40 s). */
const crawl = 100 * 1024;

let vendor: RunningRegistry;
let vendorProxy: RunningFaultProxy;
const targets: Record<"main" | "stopper" | "crash" | "limited", RunningRegistry> = {} as never;
/** The manifest digest of each component of the latest release, as pushed to the vendor. */
const digests = new Map<string, string>();
/** The same for the release before it (2.3.0). */
const previousDigests = new Map<string, string>();
const ids = {
  source: "",
  main: "",
  mainWrong: "",
  stopper: "",
  crash: "",
  limited: "",
  channel: "",
  latest: "",
  previous: "",
};
let adminToken = "";
let operatorToken = "";
let operator: Credentials;

test.beforeAll(async () => {
  vendor = await startRegistry({ auth: "basic", users: [{ username: "gantry", password: secrets.vendor }] });
  const [main, stopper, crash, limited] = await Promise.all(
    (["main", "stopper", "crash", "limited"] as const).map((name) =>
      startRegistry({ auth: "basic", users: [{ username: "gantry", password: secrets[name] }] }),
    ),
  );
  Object.assign(targets, { main, stopper, crash, limited });
  for (const [index, repository] of components.entries()) {
    const previous = await seedImage(vendor, repository, "2.3.0", {
      layers: [{ size: 64 * 1024, seed: `${repository}:2.3.0` }],
    });
    previousDigests.set(repository, previous.manifestDigest);
    const built = await seedImage(vendor, repository, latestTag, {
      layers: [
        { size: 1024 * 1024, seed: "vendor-base-2.4" },
        { size: (2 + index) * 1024 * 1024, seed: `${repository}:${latestTag}` },
      ],
    });
    digests.set(repository, built.manifestDigest);
  }
  vendorProxy = await startFaultProxy(vendor, { rules: [trickle(512 * 1024)] });
});

test.afterAll(async () => {
  await Promise.all([
    vendorProxy?.stop(),
    vendor?.stop(),
    ...Object.values(targets).map((registry) => registry?.stop()),
  ]);
});

test("connect the vendor and the targets, create and sync a channel; the latest release is 2.4.0", async ({
  request,
  gantry,
  admin,
  createUser,
}) => {
  adminToken = await apiToken(gantry, admin.email, "admin");
  operator = await createUser("promoter", "operator");
  operatorToken = await apiToken(gantry, operator.email, "operator");
  const connect = async (name: string, host: string, secret: string) => {
    const response = await api(request, "POST", "/api/v1/registries", adminToken, {
      name,
      provider: "generic",
      endpoint: host,
      insecure: true,
      auth: { kind: "basic", username: "gantry", password: secret },
    });
    expect(response.status, JSON.stringify(response.json)).toBe(201);
    return (response.json as { id: string }).id;
  };
  ids.source = await connect("vendor", vendorProxy.host, secrets.vendor);
  ids.main = await connect("prod-registry", targets.main.host, secrets.main);
  ids.mainWrong = await connect("prod-registry-stale-password", targets.main.host, "not-the-password");
  ids.stopper = await connect("staging-registry", targets.stopper.host, secrets.stopper);
  ids.crash = await connect("dr-registry", targets.crash.host, secrets.crash);
  ids.limited = await connect("edge-registry", targets.limited.host, secrets.limited);

  const channel = await api(request, "POST", "/api/v1/channels", operatorToken, {
    name: "vendor-product",
    sourceRegistryId: ids.source,
    components,
    tagPattern: "^\\d+\\.\\d+\\.\\d+$",
    ordering: "semver",
    syncIntervalMinutes: 0,
  });
  expect(channel.status, JSON.stringify(channel.json)).toBe(201);
  ids.channel = (channel.json as { id: string }).id;
  const synced = await api(request, "POST", `/api/v1/channels/${ids.channel}/sync`, operatorToken);
  expect(synced.status, JSON.stringify(synced.json)).toBe(200);
  const { releases } = (await api(request, "GET", `/api/v1/channels/${ids.channel}/releases`, operatorToken)).json as {
    releases: { id: string; tag: string; latest: boolean }[];
  };
  const latest = releases.find((release) => release.latest);
  expect(latest?.tag).toBe(latestTag);
  ids.latest = latest!.id;
  ids.previous = releases.find((release) => release.tag === "2.3.0")!.id;
});

test("an operator promotes the latest release in the console: plan, live progress, every image pushed and verified", async ({
  page,
}) => {
  setVendorRate(512 * 1024);
  await signIn(page, operator);
  // The Releases page offers the latest release with one click.
  await page
    .getByTestId(`channel-vendor-product`)
    .getByTestId("latest-release")
    .getByRole("link", { name: `Promote ${latestTag}` })
    .click();
  await expect(page).toHaveURL(new RegExp(`/promotions/new\\?releaseId=${ids.latest}$`));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Promote vendor-product ${latestTag}`);
  for (const repository of components)
    await expect(page.getByRole("list", { name: "Components" })).toContainText(`${repository}:${latestTag}`);

  // The release's source is no target: not offered.
  await expect(page.getByLabel("Target registry").locator(`option[value="${ids.source}"]`)).toHaveCount(0);
  await page.getByLabel("Target registry").selectOption(ids.main);
  await expect(page.getByLabel("Repository prefix")).toHaveValue("team/");
  await expect(page.getByRole("list", { name: "Target repositories" })).toContainText(
    `vendor/license-proxy → ${targets.main.host}/team/license-proxy:${latestTag}`,
  );

  await page.getByRole("button", { name: "Review plan" }).click();
  const plan = page.getByTestId("plan-review");
  await expect(plan).toBeVisible({ timeout: 30_000 });
  for (const name of ["team/api", "team/engine", "team/license-proxy"])
    await expect(plan.getByTestId("repositories-to-create")).toContainText(name);
  await expect(plan.getByTestId("size-limit")).toHaveText("No size limit on this target.");
  // The shared base layer moves once; the other two images mount it... or find it present.
  await expect(plan.getByTestId("plan-vendor/engine")).toContainText("Create and copy");
  await expect(plan.getByTestId("up-to-date")).toHaveCount(0);

  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page).toHaveURL(/\/promotions\/[a-z0-9]+$/);
  const promotionId = page.url().split("/").pop()!;
  await expect(page.getByTestId("transport")).toHaveAttribute("data-transport", "live");

  // Progress moves in front of us, without a reload: several distinct byte counts while running.
  const totals = page.getByTestId("promotion-totals");
  const seen = new Set<string>();
  // Each image's bar is filled as far as its number says, whenever we look (no fill trailing the figures).
  let worstBarGap = 0;
  await expect
    .poll(
      async () => {
        const status = await totals.getAttribute("data-status");
        if (status === "running") {
          seen.add((await totals.getAttribute("data-bytes-done"))!);
          worstBarGap = Math.max(worstBarGap, await imageBarGap(page));
        }
        return [...seen].filter((bytes) => Number(bytes) > 0).length;
      },
      { timeout: 60_000, intervals: [200] },
    )
    .toBeGreaterThanOrEqual(3);
  expect(worstBarGap, "an image's bar is filled differently from its percentage").toBeLessThanOrEqual(1.5);
  await expect(page.getByTestId("rate")).toContainText("/s");
  await page.locator("details summary").first().click();

  await expectEveryImagePushed(page);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Succeeded");
  await expect(page.getByTestId("digests-verified")).toHaveText("Target digests verified");
  await expect(page.getByRole("img", { name: /^Throughput over the last/ })).toBeVisible();
  for (const repository of components) {
    const name = repository.split("/")[1]!;
    const digest = digests.get(repository)!;
    // What the target serves is what the vendor published, byte for byte.
    expect(
      await skopeoInspectDigest(`${targets.main.host}/team/${name}:${latestTag}`, { creds: `gantry:${secrets.main}` }),
    ).toBe(digest);
    await expect(page.getByTestId(`image-${repository}`).getByText("Digest verified")).toBeVisible();
    await expect(page.getByTestId("pushed-references")).toContainText(`${targets.main.host}/team/${name}@${digest}`);
  }
  // At 1440 px the snippets are whole on the screen: nothing cut off, nothing to scroll sideways.
  await page.setViewportSize({ width: 1440, height: 900 });
  const compose = page.getByText("docker-compose.yml").locator("xpath=../..");
  await expect(compose).toContainText(
    `image: ${targets.main.host}/team/engine:${latestTag}@${digests.get("vendor/engine")}`,
  );
  const helm = page.getByText("Helm values.yaml").locator("xpath=../..");
  await expect(helm).toContainText(`repository: ${targets.main.host}/team/license-proxy`);
  await expect(helm).toContainText(`tag: "${latestTag}"`);
  await expect(helm).toContainText(`digest: ${digests.get("vendor/license-proxy")}`);
  await expect(page.getByRole("button", { name: "Copy the Helm values" })).toBeVisible();
  for (const snippet of [compose, helm]) {
    const box = await snippet.locator("pre").evaluate((pre) => ({
      scrollWidth: pre.scrollWidth,
      clientWidth: pre.clientWidth,
      right: pre.getBoundingClientRect().right,
    }));
    expect(box.scrollWidth, "the snippet scrolls sideways").toBeLessThanOrEqual(box.clientWidth);
    expect(box.right, "the snippet runs past the viewport").toBeLessThanOrEqual(1440);
  }

  // The list: newest first, filterable by status in the URL.
  await page.goto("/promotions");
  const row = page.getByTestId(`promotion-row-${promotionId}`);
  await expect(row).toContainText("prod-registry");
  await expect(row).toContainText("Succeeded");
  await page.getByRole("link", { name: "Failed", exact: true }).click();
  await expect(page).toHaveURL(/\?status=failed$/);
  await expect(page.getByTestId(`promotion-row-${promotionId}`)).toHaveCount(0);
  await page.getByRole("link", { name: "Succeeded", exact: true }).click();
  await expect(page.getByTestId(`promotion-row-${promotionId}`)).toBeVisible();

  // Promoting the same release again: nothing to move.
  await page.goto(`/promotions/new?releaseId=${ids.latest}`);
  await page.getByLabel("Target registry").selectOption(ids.main);
  await page.getByRole("button", { name: "Review plan" }).click();
  await expect(page.getByTestId("up-to-date")).toHaveText("Already up to date", { timeout: 30_000 });
});

test("stop mid-push, then resume, on a page whose event stream is blocked (it polls): every digest verified", async ({
  page,
  request,
}) => {
  // Stop, resume, then the totals, the Promotions list and the audit rows: more than the default minute on a busy machine.
  test.setTimeout(150_000);
  setVendorRate(crawl);
  const promotionId = await promoteThroughApi(request, ids.stopper);
  await signIn(page, operator);
  await page.route("**/api/v1/promotions/*/events", (route) => route.abort());
  await page.goto(`/promotions/${promotionId}`);
  await expect(page.getByTestId("transport")).toHaveAttribute("data-transport", "polling");
  await waitForBytesMoving(page, { live: false });

  // Some blob (a config, at least) has arrived: after the resume the target has it already.
  await expect
    .poll(async () => Number((await page.getByTestId("blobs-done").textContent())?.split(" ")[0]), { timeout: 60_000 })
    .toBeGreaterThan(0);
  await page.getByRole("button", { name: "Stop" }).click();
  // It asks first; keeping it going changes nothing.
  const confirm = page.getByRole("dialog", { name: `Stop promoting ${latestTag} to staging-registry?` });
  await expect(confirm).toBeVisible();
  await confirm.getByRole("button", { name: "Keep going" }).click();
  await expect(confirm).toBeHidden();
  await expect(page.getByTestId("promotion-totals")).toHaveAttribute("data-status", "running");
  await page.getByRole("button", { name: "Stop" }).click();
  await confirm.getByRole("button", { name: "Stop promotion" }).click();
  await expect(page.getByTestId("promotion-totals")).toHaveAttribute("data-status", "stopped");
  // A stopped promotion is not "Finished", and nothing on it is live.
  await expect(page.getByTestId("promotion-totals").getByText("Stopped", { exact: true })).toBeVisible();
  await expect(page.getByTestId("promotion-totals").getByText("Finished", { exact: true })).toHaveCount(0);
  await expect(page.getByTestId("transport")).toHaveCount(0);
  await expect(page.locator('[data-testid^="image-"][data-status="pushing"]')).toHaveCount(0);
  await expect(page.locator('[data-testid^="image-"][data-status="stopped"]').first()).toBeVisible();
  const stoppedAt = Number(await page.getByTestId("promotion-totals").getAttribute("data-bytes-done"));
  expect(stoppedAt).toBeGreaterThan(0);
  // Stopped means stopped: nothing moves for a while.
  await page.waitForTimeout(1_500);
  await expect(page.getByTestId("promotion-totals")).toHaveAttribute("data-status", "stopped");

  await expect(page.getByRole("button", { name: "Stop" })).toHaveCount(0);
  setVendorRate(1024 * 1024);
  await page.getByRole("button", { name: "Resume" }).click();
  await expectEveryImagePushed(page);
  await expect(page.getByTestId("digests-verified")).toBeVisible();
  // Totals are the release's (each image 1 MiB base + 2-4 MiB), all done; what the target had
  // by the resume is said as such, on the page and in the Promotions list.
  const totals = page.getByTestId("promotion-totals");
  const bytesTotal = Number(await totals.getAttribute("data-bytes-total"));
  expect(bytesTotal).toBeGreaterThan(12 * 1024 * 1024);
  await expect(totals).toHaveAttribute("data-bytes-done", String(bytesTotal));
  await expect(totals.getByTestId("already-there")).toHaveText(/^[\d.]+ (B|kB|MB) already there$/);
  for (const repository of components) {
    await expect(page.getByTestId(`image-${repository}`)).not.toContainText("0 B of 0 B");
  }
  await expect(page.getByTestId("transport")).toHaveCount(0);
  await page.goto("/promotions");
  await expect(page.getByTestId(`promotion-row-${promotionId}`).getByRole("progressbar")).toHaveAttribute(
    "aria-valuetext",
    /^[\d.]+ MB of [\d.]+ MB · [\d.]+ (B|kB|MB) already there · 3\/3 pushed$/,
  );
  // The audit history reads like a log: the component, the release and the registry, a link to the promotion.
  await page.goto(`/audit?targetType=promotion&targetId=${promotionId}`);
  const label = `vendor-product ${latestTag} → staging-registry`;
  await expect(page.locator("tbody")).toContainText(`Image pushed: vendor/api (promotion ${label})`);
  await expect(page.getByTestId("audit-target-link").first()).toHaveAttribute("href", `/promotions/${promotionId}`);
  await expect(page.getByTestId("audit-target-link").first()).toHaveText(label);
  // At 1440 px the Target column holds the label on at most two lines, broken between words.
  await page.setViewportSize({ width: 1440, height: 900 });
  const target = await page
    .getByTestId("audit-target-link")
    .first()
    .evaluate((link) => ({
      lines: Math.round(link.getBoundingClientRect().height / parseFloat(getComputedStyle(link).lineHeight)),
      width: link.getBoundingClientRect().width,
    }));
  expect(target.lines).toBeLessThanOrEqual(2);
  expect(target.width).toBeGreaterThanOrEqual(240);
  for (const repository of components) {
    expect(
      await skopeoInspectDigest(`${targets.stopper.host}/team/${repository.split("/")[1]}:${latestTag}`, {
        creds: `gantry:${secrets.stopper}`,
      }),
    ).toBe(digests.get(repository));
  }
});

test("a viewer watches but cannot control or promote", async ({ page, createUser, request, gantry }) => {
  const { promotions } = (await api(request, "GET", "/api/v1/promotions?status=succeeded", operatorToken)).json as {
    promotions: { id: string }[];
  };
  const viewer = await createUser("promotion-viewer", "viewer");
  await signIn(page, viewer);
  await page.goto(`/promotions/${promotions[0]!.id}`);
  await expect(page.getByTestId("promotion-totals")).toHaveAttribute("data-status", "succeeded");
  await expect(page.getByRole("button", { name: /^(Stop|Resume|Retry failed)$/ })).toHaveCount(0);
  await page.goto(`/promotions/new?releaseId=${ids.latest}`);
  await expect(page.getByText("You don't have access to this page")).toBeVisible();
  // The server refuses anyway; the event stream wants a caller too.
  const viewerToken = await apiToken(gantry, viewer.email, "viewer");
  expect((await api(request, "POST", `/api/v1/promotions/${promotions[0]!.id}/retry`, viewerToken)).status).toBe(403);
  expect((await request.fetch(`/api/v1/promotions/${promotions[0]!.id}/events`)).status()).toBe(401);
});

test("the worker is killed mid-push; a new worker takes the images back and finishes", async ({
  page,
  request,
  gantry,
}) => {
  setVendorRate(crawl);
  const promotionId = await promoteThroughApi(request, ids.crash);
  await signIn(page, operator);
  await page.goto(`/promotions/${promotionId}`);
  await waitForBytesMoving(page);

  await gantry.killWorker();
  // Nobody copies now: the page keeps showing the images as pushing, with no progress.
  const frozen = await page.getByTestId("promotion-totals").getAttribute("data-bytes-done");
  await page.waitForTimeout(2_000);
  await expect(page.getByTestId("promotion-totals")).toHaveAttribute("data-bytes-done", frozen!);
  await expect(page.locator('[data-testid^="image-"][data-status="pushing"]').first()).toBeVisible();
  // Past the stall threshold (GANTRY_PROMOTION_STALL_SECONDS=4), a starting worker's recovery takes them back.
  await page.waitForTimeout(3_000);
  setVendorRate(1024 * 1024);
  await gantry.startWorker();

  await expectEveryImagePushed(page, 120_000);
  await expect(page.getByText(/^attempt [2-9]$/).first()).toBeVisible();
  for (const repository of components) {
    expect(
      await skopeoInspectDigest(`${targets.crash.host}/team/${repository.split("/")[1]}:${latestTag}`, {
        creds: `gantry:${secrets.crash}`,
      }),
    ).toBe(digests.get(repository));
  }
});

test("an auth failure at the target and an image over the size limit show their reasons", async ({
  page,
  request,
  gantry,
}) => {
  setVendorRate(1024 * 1024);
  await signIn(page, operator);

  // A stale password: the plan says the target refused the credentials, and nothing can be confirmed.
  await page.goto(`/promotions/new?releaseId=${ids.latest}`);
  await page.getByLabel("Target registry").selectOption(ids.mainWrong);
  await page.getByRole("button", { name: "Review plan" }).click();
  const refused = page.getByRole("alert").filter({ hasText: "Some images cannot be copied" });
  await expect(refused).toBeVisible({ timeout: 30_000 });
  for (const repository of components) await expect(refused).toContainText(`${repository}: Credentials refused (auth)`);
  await expect(page.getByRole("button", { name: "Confirm" })).toBeDisabled();
  // Through the API nothing stops it: the worker meets the same refusal and the page says so per image.
  const refusedId = await promoteThroughApi(request, ids.mainWrong);
  await page.goto(`/promotions/${refusedId}`);
  await expect(page.getByTestId("promotion-totals")).toHaveAttribute("data-status", "failed", { timeout: 60_000 });
  for (const repository of components) {
    await expect(page.getByTestId(`failure-${repository}`)).toContainText("Credentials refused (auth)");
    await expect(page.getByTestId(`failure-${repository}`).locator("[data-failure-kind]")).toHaveAttribute(
      "data-failure-kind",
      "auth",
    );
  }
  // The registries page says what real use showed, though nobody pressed "Test connection".
  await page.goto("/registries");
  const stale = page.getByTestId("registry-row-prod-registry-stale-password");
  await expect(stale).toContainText("Failing in use");
  await expect(stale.getByTestId("connection-use")).toContainText(/^Last use failed .+ \(promotion\): .*target/);
  const good = page.getByTestId("registry-row-prod-registry");
  await expect(good).toContainText("Healthy in use");
  await expect(good.getByTestId("connection-use")).toContainText(/^Last used successfully .+ \(promotion\)$/);
  await expect(page.getByTestId("registry-row-vendor").getByTestId("connection-use")).toContainText(
    /^Last used successfully .+ \((sync|promotion)\)$/,
  );

  // license-proxy is a 4 MiB layer on the 1 MiB base; the edge registry takes at most 4.5 MiB per image.
  await sql(gantry, `UPDATE "Registry" SET "sizeLimitBytes" = $1 WHERE id = $2`, [
    Math.floor(4.5 * 1024 * 1024),
    ids.limited,
  ]);
  await page.goto(`/promotions/new?releaseId=${ids.latest}`);
  await page.getByLabel("Target registry").selectOption(ids.limited);
  await page.getByRole("button", { name: "Review plan" }).click();
  const sizeLimit = page.getByTestId("size-limit");
  await expect(sizeLimit).toContainText("Over the size limit of 4.7 MB", { timeout: 30_000 });
  await expect(sizeLimit).toContainText("vendor/license-proxy");
  await expect(page.getByRole("button", { name: "Confirm" })).toBeDisabled();

  // Through the API (no console to stop it), the images run and the one over the limit fails before a byte moves.
  const promotionId = await promoteThroughApi(request, ids.limited);
  await page.goto(`/promotions/${promotionId}`);
  const failure = page.getByTestId("failure-vendor/license-proxy");
  await expect(failure).toContainText("Over the size limit (too_large)", { timeout: 60_000 });
  await expect(page.getByTestId("promotion-totals")).toHaveAttribute("data-status", "failed", { timeout: 60_000 });
  await expect(page.getByTestId("image-vendor/api")).toHaveAttribute("data-status", "pushed");
  await expect(page.getByRole("button", { name: "Retry failed" })).toBeVisible();
});

test("the target's latest promotion offers a roll back to the previous release: the tags move back, no byte", async ({
  page,
  request,
}) => {
  setVendorRate(1024 * 1024);
  const promoteAndWait = async (releaseId: string) => {
    const created = await api(request, "POST", "/api/v1/promotions", operatorToken, {
      releaseId,
      targetRegistryId: ids.main,
      repositoryPrefix: "team/",
      movingTag: "stable",
    });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const id = (created.json as { id: string }).id;
    const status = async () =>
      ((await api(request, "GET", `/api/v1/promotions/${id}`, operatorToken)).json as { status: string }).status;
    await expect.poll(status, { timeout: 90_000 }).toBe("succeeded");
    return id;
  };
  const stable = (repository: string) =>
    skopeoInspectDigest(`${targets.main.host}/team/${repository.split("/")[1]}:stable`, {
      creds: `gantry:${secrets.main}`,
    });
  // 2.3.0 and then 2.4.0 (already there by digest: only the tags move) into prod with a moving tag.
  await promoteAndWait(ids.previous);
  const latestId = await promoteAndWait(ids.latest);
  for (const repository of components) expect(await stable(repository)).toBe(digests.get(repository));

  await signIn(page, operator);
  await page.goto(`/promotions/${latestId}`);
  await expect(page.getByTestId("tags-moved")).toBeVisible();
  await page.getByRole("button", { name: "Roll back to 2.3.0" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Roll back to 2.3.0" }).click();
  await expect(page).not.toHaveURL(new RegExp(`/promotions/${latestId}$`));
  await expect(page).toHaveURL(/\/promotions\/[a-z0-9]+$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("2.3.0");
  await expect(page.getByTestId("promotion-totals")).toHaveAttribute("data-status", "succeeded", { timeout: 60_000 });
  await expect(page.getByTestId("tags-moved")).toBeVisible();
  for (const repository of components) expect(await stable(repository)).toBe(previousDigests.get(repository));
});

function setVendorRate(bytesPerSecond: number): void {
  vendorProxy.clearRules();
  vendorProxy.addRule(trickle(bytesPerSecond));
}

async function waitForBytesMoving(page: Page, { live = true } = {}): Promise<void> {
  if (live) await expect(page.getByTestId("transport")).toHaveAttribute("data-transport", "live");
  await expect(page.locator('[data-testid^="image-"][data-status="pushing"]').first()).toBeVisible({ timeout: 60_000 });
  await expect
    .poll(async () => Number(await page.getByTestId("promotion-totals").getAttribute("data-bytes-done")), {
      timeout: 60_000,
    })
    .toBeGreaterThan(0);
}

/** The largest difference, in percentage points, between an image bar's fill and the percentage it announces. */
function imageBarGap(page: Page): Promise<number> {
  return page.locator('[data-testid^="image-"] [role="progressbar"]').evaluateAll((bars) =>
    Math.max(
      0,
      ...bars.map((bar) => {
        const fill = bar.firstElementChild as HTMLElement | null;
        const now = Number(bar.getAttribute("aria-valuenow"));
        if (!fill || !bar.hasAttribute("aria-valuenow")) return 0;
        return Math.abs((fill.getBoundingClientRect().width / bar.getBoundingClientRect().width) * 100 - now);
      }),
    ),
  );
}

async function expectEveryImagePushed(page: Page, timeout = 90_000): Promise<void> {
  for (const repository of components) {
    await expect(page.getByTestId(`image-${repository}`)).toHaveAttribute("data-status", "pushed", { timeout });
  }
  await expect(page.getByTestId("promotion-totals")).toHaveAttribute("data-status", "succeeded");
}

async function promoteThroughApi(request: APIRequestContext, targetRegistryId: string): Promise<string> {
  const created = await api(request, "POST", "/api/v1/promotions", operatorToken, {
    releaseId: ids.latest,
    targetRegistryId,
    repositoryPrefix: "team/",
  });
  expect(created.status, JSON.stringify(created.json)).toBe(201);
  return (created.json as { id: string }).id;
}
