import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runChange, type Caller } from "@/lib/change/run-change";
import { startAwsStandIn, type RunningAwsStandIn } from "@/test/fixtures/aws-stand-in";
import { createServiceAccountKey, type TestServiceAccount } from "@/test/fixtures/gcp-service-account";
import { startGcpStandIn, type RunningGcpStandIn } from "@/test/fixtures/gcp-stand-in";
import { setupTestDatabase } from "@/test/support/database";
import { createConnection } from "./create-connection";
import { createConnectionRepository } from "./create-connection-repository";
import { listConnectionRepositories } from "./list-connection-repositories";

// ECR and Artifact Registry are listed and grown through their control planes, which the
// stand-ins play; the registry hosts themselves are never contacted here.
process.env.GANTRY_SECRET_KEY = crypto.randomBytes(32).toString("base64");
setupTestDatabase();
const admin: Caller = { userId: null, email: "admin@example.com", role: "admin" };
const operator: Caller = { userId: null, email: "op@example.com", role: "operator" };
const client = { ip: null, userAgent: "vitest" };
const KEYS = { accessKeyId: "AKIAGANTRYTESTREPOS1", secretAccessKey: crypto.randomBytes(30).toString("base64") };
let aws: RunningAwsStandIn;
let gcp: RunningGcpStandIn;
let account: TestServiceAccount;

beforeAll(async () => {
  account = createServiceAccountKey({ name: "copier" });
  [aws, gcp] = await Promise.all([
    startAwsStandIn({ users: [KEYS], registryPassword: "unused" }),
    startGcpStandIn({
      serviceAccounts: [{ clientEmail: account.clientEmail, publicKeyPem: account.publicKeyPem }],
      repositories: [{ name: "projects/gantry-test/locations/us/repositories/releases", packages: ["vendor/api"] }],
    }),
  ]);
  Object.assign(process.env, {
    GANTRY_AWS_ENDPOINT_URL_ECR: aws.url,
    GANTRY_AWS_ENDPOINT_URL_STS: aws.url,
    GANTRY_GOOGLE_OAUTH_TOKEN_URL: gcp.tokenUrl,
    GANTRY_GOOGLE_ARTIFACT_REGISTRY_URL: gcp.url,
  });
});
afterAll(async () => {
  await Promise.all([aws?.stop(), gcp?.stop()]);
});

async function connect(body: Record<string, unknown>): Promise<string> {
  const created = await runChange(createConnection, admin, body, client);
  if (!created.ok) throw new Error(created.error);
  return created.data.id;
}

describe("repositories of a connection", () => {
  it("creates ECR repositories under the namespace and lists them through ECR", async () => {
    const id = await connect({
      name: "ecr",
      provider: "ecr",
      endpoint: `${aws.accountId}.dkr.ecr.us-east-1.amazonaws.com`,
      namespace: "mirror",
      auth: { kind: "aws", ...KEYS },
    });
    expect(await listConnectionRepositories(id)).toEqual({ source: "api", canCreate: true, repositories: [] });

    expect(await runChange(createConnectionRepository, admin, { id, repository: "vendor/api" }, client)).toEqual({
      ok: true,
      data: { repository: "mirror/vendor/api", created: true },
    });
    expect(await runChange(createConnectionRepository, admin, { id, repository: "mirror/vendor/api" }, client)).toEqual(
      { ok: true, data: { repository: "mirror/vendor/api", created: false } },
    );
    expect(aws.repositories.has("mirror/vendor/api")).toBe(true);
    expect((await listConnectionRepositories(id)).repositories).toEqual(["mirror/vendor/api"]);
  });

  it("ensures the Artifact Registry repository and lists its images", async () => {
    const listed = await connect({
      name: "ar",
      provider: "artifact_registry",
      endpoint: "us-docker.pkg.dev/gantry-test/releases",
      auth: { kind: "gcp_service_account", serviceAccountKey: account.json },
    });
    expect(await listConnectionRepositories(listed)).toEqual({
      source: "api",
      canCreate: true,
      repositories: ["gantry-test/releases/vendor/api"],
    });

    const fresh = await connect({
      name: "ar-new",
      provider: "artifact_registry",
      endpoint: "us-docker.pkg.dev/gantry-test/mirror",
      auth: { kind: "gcp_service_account", serviceAccountKey: account.json },
    });
    expect(await runChange(createConnectionRepository, admin, { id: fresh, repository: "vendor/api" }, client)).toEqual(
      { ok: true, data: { repository: "gantry-test/mirror/vendor/api", created: true } },
    );
    expect(gcp.repositories.has("projects/gantry-test/locations/us/repositories/mirror")).toBe(true);
  });

  it("refuses operators, bad paths and providers that create on push", async () => {
    const generic = await connect({
      name: "plain",
      provider: "generic",
      endpoint: "10.0.0.9:5000",
      auth: { kind: "anonymous" },
    });
    expect(
      await runChange(createConnectionRepository, operator, { id: generic, repository: "a" }, client),
    ).toMatchObject({ ok: false, status: 403 });
    expect(
      await runChange(createConnectionRepository, admin, { id: generic, repository: "Bad Name" }, client),
    ).toMatchObject({
      ok: false,
      status: 400,
      fieldErrors: { repository: expect.stringMatching(/^expected a repository path/) },
    });
    expect(
      await runChange(createConnectionRepository, admin, { id: generic, repository: "team/app" }, client),
    ).toMatchObject({
      ok: false,
      fieldErrors: {
        repository:
          "expected a connection whose provider creates repositories; Registry (V2 API) creates them on first push",
      },
    });
  });

  it("reports a refused key without the secret", async () => {
    const id = await connect({
      name: "ecr-bad",
      provider: "ecr",
      endpoint: `${aws.accountId}.dkr.ecr.us-east-1.amazonaws.com`,
      auth: { kind: "aws", accessKeyId: KEYS.accessKeyId, secretAccessKey: "x".repeat(40) },
    });
    const listing = await listConnectionRepositories(id);
    expect(listing.problem).toMatch(/^AWS ECR DescribeRepositories: AWS refused access key AKIAGANTRYTESTREPOS1/);
    const created = await runChange(createConnectionRepository, admin, { id, repository: "team/app" }, client);
    expect(created).toMatchObject({
      ok: false,
      status: 502,
      fieldErrors: { repository: expect.stringMatching(/AWS refused access key/) },
    });
    expect(JSON.stringify([listing, created])).not.toContain("x".repeat(40));
  });
});
