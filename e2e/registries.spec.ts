import crypto from "node:crypto";
import type { Page } from "@playwright/test";
import { createServiceAccountKey } from "../test/fixtures/gcp-service-account";
import { startRegistry, type RunningRegistry } from "../test/fixtures/registry";
import { apiToken } from "./support/api";
import { expect, signIn, test } from "./support/fixtures";
import { databaseRows, findCanaries, ResponseRecorder, sql } from "./support/secret-scan";

// Issue #5, "Done when": real CNCF registries (Basic, token auth, TLS from an unknown CA) and
// the AWS / Google stand-ins, driven through the console and then through /api/v1, with a
// canary secret planted in every kind of connection and looked for everywhere afterwards.
test.use({ withCloudStandIns: true });
test.describe.configure({ mode: "serial" });

const canary = (label: string) => `canary-${label}-${crypto.randomBytes(8).toString("hex")}`;
const secrets = {
  basic: canary("basic"),
  token: canary("token"),
  tls: canary("tls"),
  wrong: canary("wrong"),
  acr: canary("acr"),
  hub: canary("hub"),
  quay: canary("quay"),
  ghcr: canary("ghcr"),
  ready: canary("ready"),
};
const gcrAccount = createServiceAccountKey({ projectId: "gantry-test", name: "e2e-gcr" });
const recorder = new ResponseRecorder();
let basic: RunningRegistry;
let token: RunningRegistry;
let tls: RunningRegistry;

test.beforeAll(async () => {
  [basic, token, tls] = await Promise.all([
    startRegistry({ auth: "basic", users: [{ username: "gantry", password: secrets.basic }] }),
    startRegistry({ auth: "token", users: [{ username: "gantry", password: secrets.token }] }),
    startRegistry({ auth: "basic", tls: true, users: [{ username: "gantry", password: secrets.tls }] }),
  ]);
});
test.afterAll(async () => {
  await Promise.all([basic?.stop(), token?.stop(), tls?.stop()]);
});

test("a generic registry with Basic auth: connect, test, edit keeping the password; a wrong password fails at the credential", async ({
  page,
  admin,
  gantry,
}) => {
  recorder.watch(page, gantry.baseURL);
  await signIn(page, admin);
  await page.goto("/registries");
  await page.getByRole("link", { name: "Connect a registry" }).click();

  // Inline validation, before anything is sent.
  await page.getByLabel("Registry host").fill("https://registry.example.com");
  await page.getByLabel("Registry host").blur();
  await expect(page.getByText("without http:// or https://")).toBeVisible();

  const id = await connectGeneric(page, {
    name: "lab-basic",
    host: basic.host,
    kind: "basic",
    password: secrets.basic,
    insecure: true,
  });
  await testConnection(page, { expect: { credential: "passed", push: "passed" } });

  await page.getByRole("link", { name: "Edit" }).click();
  await expect(page.getByLabel(/^Password or token/)).toHaveValue("");
  await expect(page.getByText("Leave empty to keep the current secret.")).toBeVisible();
  // The stored password only goes where it was typed for: another host needs it again.
  await page.getByLabel("Registry host").fill("127.0.0.1:1");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText("expected the password or token: the endpoint changed")).toBeVisible();
  await page.getByLabel("Registry host").fill(basic.host);
  await page.getByLabel("Namespace").fill("mirror");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page).toHaveURL(new RegExp(`/registries/${id}$`));
  await testConnection(page, { expect: { credential: "passed" } });

  await connectGeneric(page, {
    name: "lab-wrong",
    host: basic.host,
    kind: "basic",
    password: secrets.wrong,
    insecure: true,
  });
  await testConnection(page, { expect: { credential: "failed", list: "skipped" } });
  await expect(page.getByTestId("check-step-credential")).toContainText(
    "the registry refused user 'gantry' (401): check the password or token",
  );

  await page.goto("/registries");
  await expect(page.getByTestId("registry-row-lab-basic")).toContainText("Healthy");
  await expect(page.getByTestId("registry-row-lab-wrong")).toContainText("Failing: Credential");
});

test("Bearer token auth against the CNCF registry's token service, and TLS from an unknown CA", async ({
  page,
  admin,
  gantry,
}) => {
  recorder.watch(page, gantry.baseURL);
  await signIn(page, admin);
  await connectGeneric(page, {
    name: "lab-token",
    host: token.host,
    kind: "bearer",
    password: secrets.token,
    insecure: true,
  });
  await testConnection(page, { expect: { challenge: "passed", credential: "passed", push: "passed" } });

  // Bearer's Username is marked optional: left empty, the password is a ready token, not "expected a username".
  await page.goto("/registries/new");
  await page.getByLabel("Authentication").selectOption("bearer");
  await expect(page.getByLabel("Username optional", { exact: true })).toBeVisible();
  await connectGeneric(page, {
    name: "lab-ready-token",
    host: token.host,
    kind: "bearer",
    username: "",
    password: secrets.ready,
    insecure: true,
  });
  await expect(page.getByText("expected a username")).toHaveCount(0);

  await connectGeneric(page, {
    name: "lab-tls",
    host: tls.host,
    kind: "basic",
    password: secrets.tls,
    insecure: false,
  });
  await testConnection(page, { expect: { tls: "failed", credential: "skipped" } });
  await expect(page.getByTestId("check-step-tls")).toContainText("add its CA certificate (PEM) to the connection");

  await page.getByRole("link", { name: "Edit" }).click();
  await page.getByLabel("CA certificate (PEM)").fill(tls.caPem!);
  // Trusting another certificate needs the secret typed again, like a new endpoint.
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText("the CA certificate changed")).toBeVisible();
  await page.getByLabel(/^Password or token/).fill(secrets.tls);
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "lab-tls" })).toBeVisible();
  await testConnection(page, { expect: { tls: "passed", credential: "passed" } });
});

test("ECR and Artifact Registry against the stand-ins: repositories listed and created", async ({
  page,
  admin,
  gantry,
  cloud,
}) => {
  recorder.watch(page, gantry.baseURL);
  await signIn(page, admin);
  await page.goto("/registries/new");
  await page.getByLabel("Provider").selectOption("ecr");
  await page.getByLabel("Name", { exact: true }).fill("aws-ecr");
  await page.getByLabel("Registry host").fill(`${cloud!.aws.accountId}.dkr.ecr.moon-1.amazonaws.com`);
  await page.getByLabel("Registry host").blur();
  await expect(page.getByText('"moon-1" is not one')).toBeVisible();
  await page.getByLabel("Registry host").fill(`${cloud!.aws.accountId}.dkr.ecr.us-east-1.amazonaws.com`);
  await page.getByLabel("Namespace").fill("mirror");
  await page.getByLabel("Access key id").fill(cloud!.awsKeys.accessKeyId);
  await page.getByLabel("Secret access key").fill(cloud!.awsKeys.secretAccessKey);
  await page.getByRole("button", { name: "Connect registry" }).click();
  await expect(page.getByTestId("repositories")).toContainText("No repositories yet.");
  await createRepository(page, "vendor/api", "Created mirror/vendor/api.");
  await expect(page.getByRole("list", { name: "Repositories" })).toContainText("mirror/vendor/api");
  expect(cloud!.aws.repositories.has("mirror/vendor/api")).toBe(true);

  await page.goto("/registries/new");
  await page.getByLabel("Provider").selectOption("artifact_registry");
  await page.getByLabel("Name", { exact: true }).fill("gcp-ar");
  await page.getByLabel("Repository path").fill("us-docker.pkg.dev/gantry-test/releases");
  await page.getByLabel("Service account key (JSON)").fill(cloud!.serviceAccount.json);
  await page.getByRole("button", { name: "Connect registry" }).click();
  await expect(page.getByRole("list", { name: "Repositories" })).toContainText("gantry-test/releases/vendor/api");

  // Another repository of the same project and host: the stored key is kept.
  await page.getByRole("link", { name: "Edit" }).click();
  await page.getByLabel("Repository path").fill("us-docker.pkg.dev/gantry-test/mirror");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "gcp-ar" })).toBeVisible();
  await expect(page.getByText("gantry-test/mirror").first()).toBeVisible();
  await createRepository(page, "vendor/api", "Created gantry-test/mirror/vendor/api.");
  expect(cloud!.gcp.repositories.has("projects/gantry-test/locations/us/repositories/mirror")).toBe(true);
});

test("the API does the same with a Bearer token, with the same permissions", async ({
  request,
  gantry,
  admin,
  cloud,
  createUser,
}) => {
  const adminToken = await apiToken(gantry, admin.email, "admin", "e2e-registries");
  const viewerToken = await apiToken(
    gantry,
    (await createUser("reg-viewer", "viewer")).email,
    "viewer",
    "e2e-registries",
  );
  const operatorToken = await apiToken(
    gantry,
    (await createUser("reg-operator", "operator")).email,
    "operator",
    "e2e-registries",
  );
  const api = <T = Record<string, unknown>>(
    method: "GET" | "POST" | "PATCH" | "DELETE",
    url: string,
    body?: unknown,
    as = adminToken,
  ) => recorder.api<T>(request, method, url, { token: as, body });
  const generic = {
    name: "api-basic",
    provider: "generic",
    endpoint: basic.host,
    insecure: true,
    auth: { kind: "basic", username: "gantry", password: secrets.basic },
  };

  const created = await api<{ id: string; hasSecret: boolean }>("POST", "/api/v1/registries", generic);
  expect(created).toMatchObject({ status: 201, json: { id: expect.any(String), name: "api-basic", hasSecret: true } });
  const id = created.json.id;
  expect(await api("POST", "/api/v1/registries", { ...generic, name: "bad", endpoint: "" })).toMatchObject({
    status: 400,
    json: { error: { fields: { endpoint: expect.stringMatching(/^expected host\[:port\]/) } } },
  });
  expect(await api("POST", "/api/v1/registries", generic, viewerToken)).toMatchObject({ status: 403 });

  type Check = { ok: boolean; steps: { id: string; status: string }[] };
  const stepOf = (check: Check, step: string) => check.steps.find((s) => s.id === step)?.status;
  expect((await api<Check>("POST", `/api/v1/registries/${id}/test`, {}, operatorToken)).json).toMatchObject({
    ok: true,
  });
  expect(
    await api("PATCH", `/api/v1/registries/${id}`, {
      ...generic,
      name: "api-basic-2",
      auth: { kind: "basic", username: "gantry" },
    }),
  ).toMatchObject({ status: 200, json: { name: "api-basic-2", hasSecret: true } });
  expect((await api<Check>("POST", `/api/v1/registries/${id}/test`, { purpose: "source" })).json).toMatchObject({
    ok: true,
  });
  await api("PATCH", `/api/v1/registries/${id}`, {
    ...generic,
    auth: { kind: "basic", username: "gantry", password: secrets.wrong },
  });
  expect(stepOf((await api<Check>("POST", `/api/v1/registries/${id}/test`)).json, "credential")).toBe("failed");
  expect(await api("POST", `/api/v1/registries/${id}/test`, {}, viewerToken)).toMatchObject({ status: 403 });
  expect(await api("GET", `/api/v1/registries/${id}`, undefined, viewerToken)).toMatchObject({
    status: 200,
    json: { id, lastCheck: { ok: false } },
  });

  const ecr = await api<{ id: string }>("POST", "/api/v1/registries", {
    name: "api-ecr",
    provider: "ecr",
    endpoint: `${cloud!.aws.accountId}.dkr.ecr.us-east-1.amazonaws.com`,
    namespace: "mirror",
    auth: { kind: "aws", ...cloud!.awsKeys },
  });
  expect(
    await api("POST", `/api/v1/registries/${ecr.json.id}/repositories`, { repository: "vendor/engine" }),
  ).toMatchObject({ status: 201, json: { repository: "mirror/vendor/engine", created: true } });
  expect((await api("GET", `/api/v1/registries/${ecr.json.id}/repositories`, undefined, viewerToken)).json).toEqual({
    source: "api",
    canCreate: true,
    repositories: ["mirror/vendor/api", "mirror/vendor/engine"],
  });
  expect(
    await api("POST", `/api/v1/registries/${ecr.json.id}/repositories`, { repository: "x" }, operatorToken),
  ).toMatchObject({ status: 403 });

  // One connection of every other kind, each holding a canary.
  const others = [
    {
      name: "api-ar",
      provider: "artifact_registry",
      endpoint: "us-docker.pkg.dev/gantry-test/releases",
      auth: { kind: "gcp_service_account", serviceAccountKey: cloud!.serviceAccount.json },
    },
    {
      name: "api-gcr",
      provider: "gcr",
      endpoint: "gcr.io/gantry-test",
      auth: { kind: "gcp_service_account", serviceAccountKey: gcrAccount.json },
    },
    {
      name: "api-acr",
      provider: "acr",
      endpoint: "gantrye2e.azurecr.io",
      settings: { credentialType: "admin_user" },
      auth: { kind: "basic", username: "gantrye2e", password: secrets.acr },
    },
    { name: "api-hub", provider: "dockerhub", auth: { kind: "basic", username: "gantry", password: secrets.hub } },
    {
      name: "api-quay",
      provider: "quay",
      endpoint: "quay.invalid",
      auth: { kind: "basic", username: "gantry+e2e", password: secrets.quay },
    },
    { name: "api-ghcr", provider: "ghcr", auth: { kind: "basic", username: "gantry", password: secrets.ghcr } },
  ];
  for (const body of others) expect((await api("POST", "/api/v1/registries", body)).status, body.name).toBe(201);
  const ar = (
    await api<{ registries: { id: string; name: string }[] }>("GET", "/api/v1/registries", undefined, viewerToken)
  ).json.registries.find((r) => r.name === "api-ar")!;
  expect((await api("GET", `/api/v1/registries/${ar.id}/repositories`)).json).toMatchObject({
    repositories: ["gantry-test/releases/vendor/api"],
  });

  // Guard rail: a connection a channel reads from cannot be deleted, and the message says which.
  await sql(
    gantry,
    `INSERT INTO "ReleaseChannel" (id, name, "sourceRegistryId", components, "tagPattern", ordering, "updatedAt") VALUES ('e2e-channel', 'vendor-releases', $1, '{vendor/api}', '*', 'semver', now())`,
    [id],
  );
  expect(await api("DELETE", `/api/v1/registries/${id}`)).toMatchObject({
    status: 409,
    json: { error: { message: "registry api-basic is used by channel(s) vendor-releases; delete those first" } },
  });
  expect(await api("DELETE", `/api/v1/registries/${ar.id}`)).toEqual({
    status: 200,
    json: { id: ar.id, deleted: true },
  });
  expect(await api("GET", `/api/v1/registries/${ar.id}`)).toMatchObject({ status: 404 });
});

test("no canary secret appears in any page, API answer, log line, error message or the database", async ({
  page,
  admin,
  gantry,
  cloud,
  request,
}) => {
  // A webhook's signing secret is answered once, at creation (that answer is not recorded); it is a canary from then on.
  const hookToken = await apiToken(gantry, admin.email, "admin", "e2e-registries");
  const hook = await request.fetch("/api/v1/webhooks", {
    method: "POST",
    headers: { authorization: `Bearer ${hookToken}` },
    data: { name: "canary-hook", url: "https://10.255.255.1/gantry" },
  });
  expect(hook.status()).toBe(201);
  const { id: hookId, secret: webhookSecret } = (await hook.json()) as { id: string; secret: string };
  expect(webhookSecret.length).toBeGreaterThan(20);
  expect((await recorder.api(request, "GET", `/api/v1/webhooks/${hookId}`, { token: hookToken })).status).toBe(200);
  expect((await recorder.api(request, "GET", "/api/v1/webhooks", { token: hookToken })).status).toBe(200);

  // Visit every registry page once more, after all the checks, edits and failures above.
  recorder.watch(page, gantry.baseURL);
  await signIn(page, admin);
  await page.goto("/settings/webhooks");
  await page.goto(`/settings/webhooks/${hookId}`);
  // The scheduled refresh stores a token's expiry (it cannot reach ECR's host from here); the list counts it down.
  await sql(gantry, `UPDATE "Registry" SET "tokenExpiresAt" = now() + interval '3 hours' WHERE name = 'aws-ecr'`);
  await page.goto("/registries");
  await expect(page.getByTestId("registry-row-aws-ecr")).toContainText(/token expires in (2 h 59|3 h 0) min/);

  // Delete asks first, and is refused while a channel reads from the connection.
  await page.getByRole("link", { name: "api-basic", exact: true }).click();
  await page.getByRole("button", { name: "Delete" }).click();
  await page.getByRole("button", { name: "Delete connection" }).click();
  await expect(page.getByRole("dialog").getByRole("alert")).toContainText(
    "registry api-basic is used by channel(s) vendor-releases; delete those first",
  );
  await page.getByRole("button", { name: "Cancel" }).click();
  await page.goto("/registries");
  await page.getByRole("link", { name: "api-hub", exact: true }).click();
  await page.getByRole("button", { name: "Delete" }).click();
  await page.getByRole("button", { name: "Delete connection" }).click();
  await expect(page).toHaveURL(/\/registries$/);
  await expect(page.getByTestId("registry-row-api-hub")).toHaveCount(0);

  const rows = page.locator('[data-testid^="registry-row-"]');
  const pages = await rows.evaluateAll((trs) =>
    trs.map((tr) => ({
      name: tr.getAttribute("data-testid")!.slice("registry-row-".length),
      href: tr.querySelector("a")!.getAttribute("href")!,
    })),
  );
  expect(pages.length).toBeGreaterThan(10);
  for (const { name, href } of pages) {
    // ACR and GCR hosts are real services; their pages would list repositories there.
    if (name !== "api-acr" && name !== "api-gcr") {
      await page.goto(href);
      await expect(page.locator("#main").getByTestId("repositories")).toBeVisible({ timeout: 20_000 });
    }
    await page.goto(`${href}/edit`);
    await expect(page.getByRole("button", { name: "Save changes" })).toBeVisible();
  }

  const privateKeyLine = (pem: string) => pem.split("\n")[5]!;
  const keyIdOf = (json: string) => (JSON.parse(json) as { private_key_id: string }).private_key_id;
  const canaries = [
    ...Object.values(secrets),
    webhookSecret,
    cloud!.awsKeys.secretAccessKey,
    keyIdOf(cloud!.serviceAccount.json),
    privateKeyLine(cloud!.serviceAccount.privateKeyPem),
    keyIdOf(gcrAccount.json),
    privateKeyLine(gcrAccount.privateKeyPem),
  ];
  const haystacks = [
    ...(await recorder.texts()).map((text, index) => ({
      where: `response ${index} (${text.slice(0, 80).split("\n")[0]})`,
      text,
    })),
    { where: "the server log", text: gantry.logSince(0) },
    ...(await databaseRows(gantry)).map((text) => ({ where: `database row ${text.slice(0, 40)}`, text })),
  ];
  expect(haystacks.length).toBeGreaterThan(50);
  // The scan sees what it should: the access key id (not a secret) is in pages, answers and rows.
  expect(findCanaries(haystacks, [cloud!.awsKeys.accessKeyId]).length).toBeGreaterThan(5);
  expect(gantry.logSince(0).length).toBeGreaterThan(0);
  expect(findCanaries(haystacks, canaries)).toEqual([]);
});

async function connectGeneric(
  page: Page,
  options: {
    name: string;
    host: string;
    kind: "basic" | "bearer";
    username?: string;
    password: string;
    insecure: boolean;
  },
): Promise<string> {
  await page.goto("/registries/new");
  await page.getByLabel("Provider").selectOption("generic");
  await page.getByLabel("Name", { exact: true }).fill(options.name);
  await page.getByLabel("Registry host").fill(options.host);
  await page.getByLabel("Authentication").selectOption(options.kind);
  await page.getByLabel("Username").fill(options.username ?? "gantry");
  await page.getByLabel(/^Password or token/).fill(options.password);
  if (options.insecure) await page.getByLabel("Insecure (plain HTTP)").check();
  await page.getByRole("button", { name: "Connect registry" }).click();
  await expect(page.getByRole("heading", { level: 1, name: options.name })).toBeVisible();
  return new URL(page.url()).pathname.split("/").pop()!;
}

async function testConnection(
  page: Page,
  options: { expect: Record<string, "passed" | "failed" | "skipped"> },
): Promise<void> {
  const panel = page.getByTestId("connection-test");
  const previous = (await panel.getAttribute("data-checked-at")) ?? "";
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(panel).not.toHaveAttribute("data-checked-at", previous, { timeout: 45_000 });
  for (const [step, status] of Object.entries(options.expect)) {
    await expect(page.getByTestId(`check-step-${step}`), step).toHaveAttribute("data-status", status);
  }
}

async function createRepository(page: Page, name: string, outcome: string): Promise<void> {
  await page.getByLabel("New repository").fill(name);
  await page.getByRole("button", { name: "Create repository" }).click();
  await expect(page.getByRole("status").filter({ hasText: outcome })).toBeVisible();
}
