import crypto from "node:crypto";
import { seedImage, skopeoInspectDigest } from "../test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "../test/fixtures/registry";
import { api, apiToken } from "./support/api";
import { expect, signIn, test } from "./support/fixtures";

// Issue #6, releases half: a vendor registry seeded with a three-component release layout,
// connected through the API, a channel created from the template in the console, synced,
// and the latest release shown highlighted with its three components.
test.use({ withCloudStandIns: true }); // also sets GANTRY_ALLOW_LOOPBACK_REGISTRIES=1
test.describe.configure({ mode: "serial" });

const password = `vendor-${crypto.randomBytes(8).toString("hex")}`;
const components = ["vendor/api", "vendor/engine", "vendor/web"];
let vendor: RunningRegistry;

let sourceId: string;

test.beforeAll(async () => {
  vendor = await startRegistry({ auth: "basic", users: [{ username: "gantry", password }] });
  for (const repository of components) {
    for (const tag of ["release-250101", "release-250301", "latest"])
      await seedImage(vendor, repository, tag, { layers: [{ size: 4096, seed: `${repository}:${tag}` }] });
  }
  // Only two of three components have it: not a release.
  for (const repository of ["vendor/api", "vendor/engine"])
    await seedImage(vendor, repository, "release-250401", {
      layers: [{ size: 4096, seed: `${repository}:release-250401` }],
    });
});
test.afterAll(async () => {
  await vendor?.stop();
});

// The install is shared with other specs of this worker (e.g. registries.spec.ts), so this one
// does not assume an empty console.
test("an operator creates a channel from the template, syncs it, and sees the latest release with its three components", async ({
  page,
  admin,
  gantry,
  request,
  createUser,
}) => {
  const adminToken = await apiToken(gantry, admin.email, "admin", "e2e-releases");
  const connected = await api(request, "POST", "/api/v1/registries", adminToken, {
    name: "vendor-registry",
    provider: "generic",
    endpoint: vendor.host,
    insecure: true,
    auth: { kind: "basic", username: "gantry", password },
  });
  expect(connected.status).toBe(201);
  sourceId = (connected.json as { id: string }).id;

  const operator = await createUser("releases-operator", "operator");
  await signIn(page, operator);
  await page.getByRole("link", { name: "New channel" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "New channel" })).toBeVisible();

  await page.getByRole("button", { name: /Use template: Three-component vendor layout/ }).click();
  await expect(page.getByLabel("Component repositories")).toHaveValue("vendor/api\nvendor/engine\nvendor/web");
  await expect(page.getByLabel("Tag pattern")).toHaveValue("^release-\\d{6}$");
  await expect(page.getByLabel("Ordering")).toHaveValue("date");
  await page.getByLabel("Source registry").selectOption(sourceId);

  // Only a template: edit it, and see mistakes before anything is sent.
  await page.getByLabel("Name", { exact: true }).fill("vendor-product");
  await page.getByLabel("Tag pattern").fill("^release-(\\d{6}$");
  await page.getByLabel("Tag pattern").blur();
  await expect(page.getByText(/not a valid regular expression/)).toBeVisible();
  // An unanchored pattern is allowed, with a warning that it matches parts of tags.
  await page.getByLabel("Tag pattern").fill("release-\\d{6}");
  await expect(page.getByTestId("pattern-unanchored")).toContainText("Not anchored");
  await page.getByLabel("Tag pattern").fill("^release-\\d{6}$");
  await expect(page.getByTestId("pattern-unanchored")).toHaveCount(0);
  await page.getByLabel("Component repositories").fill("vendor/api\nVendor/Engine\nvendor/web");
  await page.getByLabel("Component repositories").blur();
  await expect(page.getByText("line 2: must be lowercase")).toBeVisible();
  await page.getByLabel("Component repositories").fill("vendor/api\nvendor/engine\nvendor/web");
  await page.getByLabel("Try a tag").fill("release-250215-hotfix");
  await expect(page.getByText("release-250215-hotfix does not match the pattern: not a release.")).toBeVisible();
  await page.getByLabel("Try a tag").fill("release-250301");
  await expect(page.getByText("release-250301 matches and can be ordered: a release.")).toBeVisible();
  await page.getByRole("button", { name: "Create channel" }).click();

  await expect(page).toHaveURL(/\/releases$/);
  const card = page.getByTestId("channel-vendor-product");
  const latest = card.getByTestId("latest-release");
  // Saving queued the first sync: the releases arrive without a click.
  await expect
    .poll(
      async () => {
        await page.reload();
        return latest.getByRole("heading", { name: "release-250301" }).isVisible();
      },
      { timeout: 60_000, intervals: [1_000] },
    )
    .toBe(true);
  await card.getByRole("button", { name: "Sync vendor-product now" }).click();
  await expect(card.getByTestId("sync-outcome")).toHaveText(
    "No new releases. release-250401 is not in vendor/web yet.",
  );
  await expect(latest.getByText("Latest", { exact: true })).toBeVisible();
  await expect(card.getByTestId("sync-status")).toHaveAttribute("data-state", "idle");
  for (const repository of components) {
    const row = latest.getByTestId(`release-image-${repository}`);
    await expect(row).toContainText(repository);
    const digest = await skopeoInspectDigest(`${vendor.host}/${repository}:release-250301`, {
      creds: `gantry:${password}`,
    });
    await expect(row.getByTitle(digest)).toBeVisible();
    await expect(row).toContainText("linux/amd64");
  }
  await expect(latest.getByRole("link", { name: "Promote release-250301" })).toHaveAttribute(
    "href",
    /^\/promotions\/new\?releaseId=.+/,
  );
  await expect(card.getByTestId("release-release-250101")).toBeVisible();
  await expect(card.getByTestId("release-release-250401")).toHaveCount(0);
  // An earlier release opens on a click, showing its images with their digests.
  const earlier = card.getByTestId("release-release-250101");
  const earlierApi = earlier.getByTestId("release-image-vendor/api");
  await expect(earlierApi).toBeHidden();
  await earlier.getByText("release-250101", { exact: true }).click();
  await expect(earlierApi).toBeVisible();
  await expect(
    earlierApi.getByTitle(
      await skopeoInspectDigest(`${vendor.host}/vendor/api:release-250101`, { creds: `gantry:${password}` }),
    ),
  ).toBeVisible();

  // A tag that reaches every component becomes the new latest on the next sync.
  await seedImage(vendor, "vendor/web", "release-250401", {
    layers: [{ size: 4096, seed: "vendor/web:release-250401" }],
  });
  await card.getByRole("button", { name: "Sync vendor-product now" }).click();
  await expect(latest.getByRole("heading", { name: "release-250401" })).toBeVisible({ timeout: 30_000 });
  await expect(card.getByTestId("sync-outcome")).toHaveText("Found 1 new: release-250401.");
  await expect(card.getByTestId("release-release-250301")).toBeVisible();

  // A misspelt component is named as the channel is saved; the channel is saved anyway.
  await page.goto("/releases/channels/new");
  await page.getByLabel("Name", { exact: true }).fill("vendor-misspelt");
  await page.getByLabel("Source registry").selectOption(sourceId);
  await page.getByLabel("Component repositories").fill("vendor/api\nvendor/engin");
  await page.getByLabel("Tag pattern").fill("^release-\\d{6}$");
  await page.getByLabel("Ordering").selectOption("date");
  await page.getByRole("button", { name: "Create channel" }).click();
  await expect(page.getByTestId("channel-warnings")).toHaveText(
    "component vendor/engin: not found at vendor-registry; check the repository path",
  );
  // Edited: the components are checked again, and the new misspelling is named the same way.
  await page.getByRole("link", { name: "Edit the channel" }).click();
  await expect(page.getByLabel("Component repositories")).toHaveValue("vendor/api\nvendor/engin");
  await page.getByLabel("Component repositories").fill("vendor/api\nvendor/engien");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText("A sync is queued. The source said:")).toBeVisible();
  await expect(page.getByTestId("channel-warnings")).toHaveText(
    "component vendor/engien: not found at vendor-registry; check the repository path",
  );
  await page.getByRole("button", { name: "Edit the channel" }).click();
  await expect(page.getByLabel("Component repositories")).toHaveValue("vendor/api\nvendor/engien");
  await page.getByLabel("Component repositories").fill("vendor/api\nvendor/engine");
  await page.getByRole("button", { name: "Save changes" }).click();
  // Fixed: no warning, back to Releases, and the edit queued a sync: the releases arrive without a click.
  await expect(page).toHaveURL(/\/releases$/);
  const fixed = page.getByTestId("channel-vendor-misspelt");
  await expect
    .poll(
      async () => {
        await page.reload();
        return fixed.getByTestId("latest-release").getByRole("heading", { name: "release-250401" }).isVisible();
      },
      { timeout: 60_000, intervals: [1_000] },
    )
    .toBe(true);
});

test("a failed sync shows why; viewers see releases but no buttons; the API answers with the same permissions", async ({
  page,
  gantry,
  request,
  createUser,
}) => {
  const viewer = await createUser("releases-viewer", "viewer");
  const viewerToken = await apiToken(gantry, viewer.email, "viewer", "e2e-releases");
  const operatorToken = await apiToken(
    gantry,
    (await createUser("releases-api-operator", "operator")).email,
    "operator",
    "e2e-releases",
  );

  const channels = await api(request, "GET", "/api/v1/channels", viewerToken);
  const channel = (
    channels.json as { channels: { id: string; name: string; latest: { tag: string } }[] }
  ).channels.find((c) => c.name === "vendor-product")!;
  expect(channel.latest.tag).toBe("release-250401");
  const releases = await api(request, "GET", `/api/v1/channels/${channel.id}/releases`, viewerToken);
  expect(releases.status).toBe(200);
  const list = (
    releases.json as {
      releases: { tag: string; latest: boolean; images: { repository: string; digest: string; size: number }[] }[];
    }
  ).releases;
  expect(list.map((r) => [r.tag, r.latest])).toEqual([
    ["release-250401", true],
    ["release-250301", false],
    ["release-250101", false],
  ]);
  expect(list[0]!.images.map((i) => i.repository)).toEqual(components);
  expect(typeof list[0]!.images[0]!.size).toBe("number");

  expect((await api(request, "POST", `/api/v1/channels/${channel.id}/sync`, viewerToken)).status).toBe(403);
  const synced = await api(request, "POST", `/api/v1/channels/${channel.id}/sync`, operatorToken);
  expect(synced.status).toBe(200);
  expect((synced.json as { releases: unknown[] }).releases).toHaveLength(3);

  const bad = await api(request, "POST", "/api/v1/channels", operatorToken, {
    name: "bad",
    sourceRegistryId: sourceId,
    components: ["vendor/api"],
    tagPattern: "^release-(",
    ordering: "date",
  });
  expect(bad).toMatchObject({
    status: 400,
    json: { error: { fields: { tagPattern: expect.stringMatching(/not a valid regular expression/) } } },
  });
  const created = await api(request, "POST", "/api/v1/channels", operatorToken, {
    name: "typo",
    sourceRegistryId: sourceId,
    components: ["vendor/api", "vendor/engin"],
    tagPattern: "^release-\\d{6}$",
    ordering: "date",
    syncIntervalMinutes: 0,
  });
  expect(created.status).toBe(201);
  expect((created.json as { warnings: string[] }).warnings).toEqual([
    "component vendor/engin: not found at vendor-registry; check the repository path",
  ]);
  const typoId = (created.json as { id: string }).id;
  expect(await api(request, "POST", `/api/v1/channels/${typoId}/sync`, operatorToken)).toMatchObject({
    status: 502,
    json: { error: { message: expect.stringContaining("component vendor/engin: listing tags: not found") } },
  });

  await signIn(page, viewer);
  const card = page.getByTestId("channel-vendor-product");
  await expect(card.getByTestId("latest-release").getByRole("heading", { name: "release-250401" })).toBeVisible();
  await expect(page.getByTestId("channel-typo").getByRole("alert")).toContainText(
    "component vendor/engin: listing tags: not found",
  );
  await expect(page.getByRole("button", { name: /^Sync / })).toHaveCount(0);
  await expect(page.getByRole("link", { name: /^Promote/ })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Edit" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "New channel" })).toHaveCount(0);

  expect((await api(request, "DELETE", `/api/v1/channels/${typoId}`, viewerToken)).status).toBe(403);
  expect(await api(request, "DELETE", `/api/v1/channels/${typoId}`, operatorToken)).toEqual({
    status: 200,
    json: { id: typoId, deleted: true },
  });
});
