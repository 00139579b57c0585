import crypto from "node:crypto";
import { seedImage } from "../test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "../test/fixtures/registry";
import { pushCosignSignatures, signPayload, simpleSigningPayload } from "../test/fixtures/test-sigstore";
import { keyFingerprint } from "../lib/signatures/public-keys";
import { api, apiToken } from "./support/api";
import { expect, signIn, test } from "./support/fixtures";

// Issue #15: an admin requires the vendor's key on a channel in the console; the release page
// names the signer of each component (and "unsigned" where there is none); the approver sees the
// signers in the approval panel.
test.use({ gantryEnv: { GANTRY_ALLOW_LOOPBACK_REGISTRIES: "1" } });
test.describe.configure({ mode: "serial", timeout: 180_000 });

const components = ["vendor/api", "vendor/web"] as const;
const vendorKey = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
const vendorPem = vendorKey.publicKey.export({ type: "spki", format: "pem" }).toString();
const fingerprint = keyFingerprint(vendorKey.publicKey);
let vendor: RunningRegistry;
let target: RunningRegistry;
const digests: Record<string, string> = {};

test.beforeAll(async () => {
  [vendor, target] = await Promise.all([startRegistry(), startRegistry()]);
  for (const repository of components) {
    const built = await seedImage(vendor, repository, "1.0.0", {
      layers: [{ size: 64 * 1024, seed: `${repository}-trust` }],
    });
    digests[repository] = built.manifestDigest;
  }
  // Only vendor/api is signed at first.
  await sign("vendor/api");
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
});
