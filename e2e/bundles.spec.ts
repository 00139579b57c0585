import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { startFaultProxy, type RunningFaultProxy } from "../test/fixtures/fault-proxy";
import { seedImage, skopeoInspectDigest } from "../test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "../test/fixtures/registry";
import { api, apiToken } from "./support/api";
import { expect, signIn, test, type Credentials } from "./support/fixtures";

// Issue #16, the console flow: a release exported from the Releases page into the bundle folder
// with its bytes moving on the Bundles page, downloaded (whole and resumed with Range), imported
// as a release of a bundle channel, and promoted from the file into a registry, digests
// confirmed by skopeo. The vendor sits behind a trickling proxy so the export takes seconds.
test.use({ gantryEnv: { GANTRY_ALLOW_LOOPBACK_REGISTRIES: "1" } });
test.describe.configure({ mode: "serial" });

const components = ["vendor/api", "vendor/engine"] as const;
const tag = "5.0.0";
const digests = new Map<string, string>();
let vendor: RunningRegistry;
let vendorProxy: RunningFaultProxy;
let target: RunningRegistry;
let operator: Credentials;
let operatorToken = "";
const ids = { target: "" };
let bundleFile = "";

test.beforeAll(async () => {
  [vendor, target] = await Promise.all([startRegistry(), startRegistry()]);
  for (const [index, repository] of components.entries()) {
    const built = await seedImage(vendor, repository, tag, {
      layers: [
        { size: 512 * 1024, seed: "bundle-e2e-base" },
        { size: (1 + index) * 1024 * 1024, seed: `${repository}:${tag}` },
      ],
    });
    digests.set(repository, built.manifestDigest);
  }
  vendorProxy = await startFaultProxy(vendor, {
    rules: [
      {
        match: { method: "GET", path: /\/blobs\/sha256:/ },
        times: Number.POSITIVE_INFINITY,
        action: { kind: "trickle", bytesPerSecond: 400 * 1024 },
      },
    ],
  });
});

test.afterAll(async () => {
  await Promise.all([vendorProxy?.stop(), vendor?.stop(), target?.stop()]);
});

test("a vendor channel with release 5.0.0, and a target registry", async ({ request, gantry, admin, createUser }) => {
  const adminToken = await apiToken(gantry, admin.email, "admin");
  operator = await createUser("bundler", "operator");
  operatorToken = await apiToken(gantry, operator.email, "operator");
  const connect = async (name: string, host: string) => {
    const response = await api(request, "POST", "/api/v1/registries", adminToken, {
      name,
      provider: "generic",
      endpoint: host,
      insecure: true,
      auth: { kind: "anonymous" },
    });
    expect(response.status, JSON.stringify(response.json)).toBe(201);
    return (response.json as { id: string }).id;
  };
  const source = await connect("vendor", vendorProxy.host);
  ids.target = await connect("offline-registry", target.host);
  const channel = await api(request, "POST", "/api/v1/channels", operatorToken, {
    name: "vendor-online",
    sourceRegistryId: source,
    components,
    tagPattern: "^\\d+\\.\\d+\\.\\d+$",
    ordering: "semver",
    syncIntervalMinutes: 0,
  });
  expect(channel.status, JSON.stringify(channel.json)).toBe(201);
  const id = (channel.json as { id: string }).id;
  expect((await api(request, "POST", `/api/v1/channels/${id}/sync`, operatorToken)).status).toBe(200);
});

test("Export bundle writes the release into the bundle folder with bytes moving, then offers the download", async ({
  page,
  request,
  gantry,
}) => {
  await signIn(page, operator);
  await page.getByTestId("channel-vendor-online").getByRole("button", { name: "Export bundle" }).click();
  await expect(page).toHaveURL(/\/bundles$/);
  bundleFile = `vendor-online-${tag}.tar`;
  const row = page.getByTestId(`export-${bundleFile}`);
  await expect(row).toBeVisible();
  const bar = row.getByRole("progressbar");
  const seen = new Set<string>();
  await expect
    .poll(
      async () => {
        const now = await bar.getAttribute("aria-valuenow").catch(() => null);
        if (now && Number(now) > 0 && Number(now) < 100) seen.add(now);
        return seen.size;
      },
      { timeout: 60_000, intervals: [250] },
    )
    .toBeGreaterThanOrEqual(2);
  await expect(row.getByTestId("export-status")).toHaveText("succeeded", { timeout: 60_000 });

  const onDisk = path.join(gantry.dataDir, "bundles", bundleFile);
  const expected = sha256(fs.readFileSync(onDisk));
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    row.getByRole("link", { name: "Download" }).click(),
  ]);
  const saved = path.join(test.info().outputDir, bundleFile);
  await download.saveAs(saved);
  expect(sha256(fs.readFileSync(saved))).toBe(expected);

  // A browser resuming at byte 1 000 000 gets the rest, and together they are the file.
  const size = fs.statSync(onDisk).size;
  const rest = await request.get(`/api/v1/bundles/${bundleFile}`, {
    headers: { authorization: `Bearer ${operatorToken}`, range: "bytes=1000000-" },
  });
  expect(rest.status()).toBe(206);
  expect(rest.headers()["content-range"]).toBe(`bytes 1000000-${size - 1}/${size}`);
  const head = fs.readFileSync(onDisk).subarray(0, 1_000_000);
  expect(sha256(Buffer.concat([head, await rest.body()]))).toBe(expected);
  const outside = await request.get(`/api/v1/bundles/..%2F..%2Fauth-secret`, {
    headers: { authorization: `Bearer ${operatorToken}` },
  });
  expect([400, 404]).toContain(outside.status());
});

test("the Bundles page imports the file as a release of a bundle channel, promoted from the file", async ({ page }) => {
  await signIn(page, operator);
  await page.goto("/bundles");
  const card = page.getByTestId(`bundle-${bundleFile}`);
  for (const repository of components) await expect(card).toContainText(`${repository}:${tag}`);
  await card.getByLabel(`Channel for ${bundleFile}`).fill("vendor-offline");
  await card.getByRole("button", { name: "Import as release of channel…" }).click();
  await expect(card.getByRole("status")).toContainText(`Imported release ${tag}.`, { timeout: 30_000 });
  await expect(card.getByTestId("imported-as")).toContainText(`vendor-offline ${tag}`);

  await page.goto("/releases");
  const channel = page.getByTestId("channel-vendor-offline");
  await expect(channel).toContainText("imported bundles");
  await channel
    .getByTestId("latest-release")
    .getByRole("link", { name: `Promote ${tag}` })
    .click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Promote vendor-offline ${tag}`);
  await page.getByLabel("Target registry").selectOption(ids.target);
  await page.getByRole("button", { name: "Review plan" }).click();
  const plan = page.getByTestId("plan-review");
  await expect(plan).toBeVisible({ timeout: 30_000 });
  await expect(plan.getByTestId("up-to-date")).toHaveCount(0);
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page).toHaveURL(/\/promotions\/[a-z0-9]+$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Succeeded", { timeout: 60_000 });
  await expect(page.getByTestId("digests-verified")).toHaveText("Target digests verified");
  for (const repository of components) {
    const name = repository.split("/")[1]!;
    expect(await skopeoInspectDigest(`${target.host}/team/${name}:${tag}`)).toBe(digests.get(repository));
    await expect(page.getByTestId(`image-${repository}`).getByText("Digest verified")).toBeVisible();
  }
});

function sha256(bytes: Buffer): string {
  return crypto.createHash("sha256").update(bytes).digest("hex");
}
