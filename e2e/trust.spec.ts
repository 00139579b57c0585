import crypto from "node:crypto";
import { pushCosignArtifacts } from "../test/fixtures/cosign-artifacts";
import { seedImage, skopeoInspectDigest } from "../test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "../test/fixtures/registry";
import { pushCosignSignatures, signPayload, simpleSigningPayload } from "../test/fixtures/test-sigstore";
import { keyFingerprint } from "../lib/signatures/public-keys";
import { api, apiToken } from "./support/api";
import { expect, signIn, test } from "./support/fixtures";

// Issue #15: an admin requires the vendor's key on a channel in the console; the release page
// names the signer of each component (and "unsigned" where there is none); the approver sees the
// signers in the approval panel; the release shows the vendor's SBOM; a tag re-pushed behind
// Gantry's back shows as drifted on the promotion, the promotions list and the release.
test.use({ gantryEnv: { GANTRY_ALLOW_LOOPBACK_REGISTRIES: "1" } });
test.describe.configure({ mode: "serial", timeout: 180_000 });

const components = ["vendor/api", "vendor/web"] as const;
const vendorKey = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
const vendorPem = vendorKey.publicKey.export({ type: "spki", format: "pem" }).toString();
const fingerprint = keyFingerprint(vendorKey.publicKey);
let vendor: RunningRegistry;
let target: RunningRegistry;
const digests: Record<string, string> = {};
/** Set by the first test, used by the drift test (serial). */
const shared: { promotionId?: string; approverToken?: string; operatorToken?: string } = {};

test.beforeAll(async () => {
  [vendor, target] = await Promise.all([startRegistry(), startRegistry()]);
  for (const repository of components) {
    const built = await seedImage(vendor, repository, "1.0.0", {
      layers: [{ size: 64 * 1024, seed: `${repository}-trust` }],
    });
    digests[repository] = built.manifestDigest;
  }
  // Only vendor/api is signed at first; it carries an SPDX SBOM of 3 packages too.
  await sign("vendor/api");
  await pushCosignArtifacts(vendor, "vendor/api", digests["vendor/api"]!, { sbom: true, sbomPackages: 3 });
});

test.afterAll(async () => {
  await Promise.all([vendor?.stop(), target?.stop()]);
});

async function sign(repository: string) {
  const payload = simpleSigningPayload(`${vendor.host}/${repository}`, digests[repository]!);
  await pushCosignSignatures(vendor, repository, digests[repository]!, [
    { payload, signature: signPayload(vendorKey.privateKey, payload) },
  ]);
}

test("the signer shows on the release and in the approval panel", async ({
  page,
  request,
  gantry,
  admin,
  createUser,
}) => {
  const requester = await createUser("requester", "operator");
  const approver = await createUser("approver", "approver");
  const adminToken = await apiToken(gantry, admin.email, "admin");
  const requesterToken = await apiToken(gantry, requester.email, "operator");
  const connect = async (name: string, host: string) =>
    (
      await api<{ id: string }>(request, "POST", "/api/v1/registries", adminToken, {
        name,
        provider: "generic",
        endpoint: host,
        insecure: true,
        auth: { kind: "anonymous" },
      })
    ).json.id;
  const vendorId = await connect("vendor", vendor.host);
  const targetId = await connect("production", target.host);
  const channel = await api<{ id: string }>(request, "POST", "/api/v1/channels", adminToken, {
    name: "signed-app",
    sourceRegistryId: vendorId,
    components,
    tagPattern: "^\\d+\\.\\d+\\.\\d+$",
    ordering: "semver",
    syncIntervalMinutes: 0,
  });
  expect(channel.status, JSON.stringify(channel.json)).toBe(201);
  const channelId = channel.json.id;

  // The policy, set on the channel's page.
  await signIn(page, admin);
  await page.goto(`/releases/channels/${channelId}/edit`);
  const form = page.getByRole("form", { name: "Signature policy" });
  await form.getByLabel("Signatures required").selectOption("keys");
  await form.getByLabel("Public keys").fill(vendorPem);
  await form.getByRole("button", { name: "Save signature policy" }).click();
  await expect(form.getByRole("status")).toHaveText("Saved.");

  const synced = await api(request, "POST", `/api/v1/channels/${channelId}/sync`, adminToken);
  expect(synced.status, JSON.stringify(synced.json)).toBe(200);
  await page.goto("/releases");
  const card = page.getByTestId("channel-signed-app");
  await expect(card.getByTestId("signature-policy")).toContainText(`keys ${fingerprint}`);
  await expect(card.getByTestId("signature-vendor/api")).toHaveText(`signed by ${fingerprint}`);
  await expect(card.getByTestId("signature-vendor/web")).toHaveText("unsigned");
  await expect(card.getByTestId("sboms-vendor/api")).toContainText("SPDX SBOM, 3 packages");
  await expect(card.getByTestId("sboms-vendor/api").getByRole("link", { name: "Download" })).toHaveAttribute(
    "href",
    /\/api\/v1\/releases\/.+\/sbom\?component=vendor%2Fapi&digest=sha256%3A/,
  );

  const releaseId = (
    await api<{ releases: { id: string }[] }>(request, "GET", `/api/v1/channels/${channelId}/releases`, adminToken)
  ).json.releases[0]!.id;
  const body = { releaseId, targetRegistryId: targetId, repositoryPrefix: "team/" };
  const refused = await api<{ error: { message: string } }>(
    request,
    "POST",
    "/api/v1/promotions",
    requesterToken,
    body,
  );
  expect(refused.status).toBe(422);
  expect(refused.json.error.message).toContain("vendor/web is unsigned");

  // Once the vendor signs vendor/web, the plan checks again and the request waits for an approver.
  await sign("vendor/web");
  const approvals = await api(request, "PUT", `/api/v1/registries/${targetId}/approval-policy`, adminToken, {
    approvalsRequired: 1,
  });
  expect(approvals.status, JSON.stringify(approvals.json)).toBe(200);
  const created = await api<{ id: string; status: string }>(
    request,
    "POST",
    "/api/v1/promotions",
    requesterToken,
    body,
  );
  expect(created.status, JSON.stringify(created.json)).toBe(201);
  expect(created.json.status).toBe("awaiting_approval");

  await page.context().clearCookies();
  await signIn(page, approver);
  await page.goto(`/promotions/${created.json.id}`);
  const signers = page.getByTestId(`approval-${created.json.id}`).getByTestId("approval-signers");
  await expect(signers).toContainText(`vendor/api ${fingerprint}`);
  await expect(signers).toContainText(`vendor/web ${fingerprint}`);
  shared.promotionId = created.json.id;
  shared.approverToken = await apiToken(gantry, approver.email, "approver");
  shared.operatorToken = requesterToken;
});

test("a tag re-pushed behind Gantry's back shows as drifted after a drift check, and Repair re-promotes", async ({
  page,
  request,
  createUser,
}) => {
  const id = shared.promotionId!;
  const approved = await api(request, "POST", `/api/v1/promotions/${id}/approve`, shared.approverToken!, {
    comment: "signed by the vendor",
  });
  expect(approved.status, JSON.stringify(approved.json)).toBe(200);
  await expect
    .poll(
      async () =>
        (await api<{ status: string }>(request, "GET", `/api/v1/promotions/${id}`, shared.operatorToken!)).json.status,
      {
        timeout: 90_000,
      },
    )
    .toBe("succeeded");

  const other = await seedImage(target, "team/api", "1.0.0", { layers: [{ size: 4096, seed: "behind-the-back" }] });
  expect(await skopeoInspectDigest(`${target.host}/team/api:1.0.0`)).toBe(other.manifestDigest);
  const promotion = await api<{ target: { id: string } }>(
    request,
    "GET",
    `/api/v1/promotions/${id}`,
    shared.operatorToken!,
  );
  const checked = await api<{ drifted: { promotionId: string }[] }>(
    request,
    "POST",
    `/api/v1/registries/${promotion.json.target.id}/drift-check`,
    shared.operatorToken!,
  );
  expect(checked.status, JSON.stringify(checked.json)).toBe(200);
  expect(checked.json.drifted.map((d) => d.promotionId)).toEqual([id]);

  const operator = await createUser("drift-operator", "operator");
  await signIn(page, operator);
  await page.goto(`/promotions/${id}`);
  await expect(page.getByTestId("drift-badge")).toHaveText("drifted");
  await expect(page.getByTestId("drifted-vendor/api")).toContainText(`found ${other.manifestDigest.slice(0, 19)}`);
  await page.goto("/promotions");
  await expect(page.getByTestId("drift-badge")).toHaveCount(1);
  await page.goto("/releases");
  await expect(page.getByTestId("channel-signed-app").getByTestId("drifted-production").first()).toHaveText(
    "production: drifted",
  );

  await page.goto(`/promotions/${id}`);
  await page.getByRole("button", { name: "Repair" }).click();
  await expect(page).not.toHaveURL(new RegExp(`/promotions/${id}$`));
  await expect(page).toHaveURL(/\/promotions\/[a-z0-9]+$/);
});
