import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAwsStandIn, type RunningAwsStandIn } from "@/test/fixtures/aws-stand-in";
import { createServiceAccountKey, type TestServiceAccount } from "@/test/fixtures/gcp-service-account";
import { startGcpStandIn, type RunningGcpStandIn } from "@/test/fixtures/gcp-stand-in";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";
import type { RegistryConnection } from "./connection";
import { TokenCache } from "./expiring-token";
import { testConnection, type ConnectionCheckResult, type TestConnectionOptions } from "./test-connection";

// The control planes are stand-ins; the data plane is a real CNCF registry that accepts
// exactly the credentials they hand out, so the whole path SDK → token → registry runs.
const ECR_PASSWORD = "ecr-registry-password-1";
const GOOGLE_TOKEN = "ya29.gantry-cloud-check";
const ALICE = { accessKeyId: "AKIAGANTRYTESTALICE1", secretAccessKey: "canaryAliceSecret000000000000000000000/+=" };
const BOB = { accessKeyId: "AKIAGANTRYTESTBOB000", secretAccessKey: "bobSecretKey000000000000000000000000000/+" };

let aws: RunningAwsStandIn;
let gcp: RunningGcpStandIn;
let registry: RunningRegistry;
let account: TestServiceAccount;

beforeAll(async () => {
  account = createServiceAccountKey({ name: "copier" });
  [aws, gcp, registry] = await Promise.all([
    startAwsStandIn({
      users: [ALICE, BOB],
      registryPassword: ECR_PASSWORD,
      deny: [{ action: "CreateRepository", accessKeyIds: [BOB.accessKeyId] }],
    }),
    startGcpStandIn({
      serviceAccounts: [{ clientEmail: account.clientEmail, publicKeyPem: account.publicKeyPem }],
      accessToken: GOOGLE_TOKEN,
      repositories: [{ name: "projects/gantry-test/locations/us/repositories/releases", packages: ["vendor/api"] }],
    }),
    startRegistry({
      auth: "basic",
      users: [
        { username: "AWS", password: ECR_PASSWORD },
        { username: "oauth2accesstoken", password: GOOGLE_TOKEN },
      ],
    }),
  ]);
});
afterAll(async () => {
  await Promise.all([aws?.stop(), gcp?.stop(), registry?.stop()]);
});

function options(purpose: "source" | "target"): TestConnectionOptions {
  return {
    purpose,
    guard: { allowLoopback: true },
    endpoints: { ecr: aws.url, sts: aws.url, googleToken: gcp.tokenUrl, artifactRegistry: gcp.url },
    tokenCache: new TokenCache(),
  };
}

function ecr(keys: { accessKeyId: string; secretAccessKey: string }): RegistryConnection {
  return {
    provider: "ecr",
    endpoint: registry.host,
    namespace: "mirror",
    authKind: "aws",
    username: keys.accessKeyId,
    secret: keys.secretAccessKey,
    settings: { region: "us-east-1", accountId: aws.accountId, tagImmutability: true },
    insecure: true,
  };
}

const google = (provider: "artifact_registry" | "gcr", secret = account.json): RegistryConnection => ({
  provider,
  endpoint: registry.host,
  namespace: provider === "gcr" ? "gantry-test" : "gantry-test/releases",
  authKind: "gcp_service_account",
  username: account.clientEmail,
  secret,
  settings:
    provider === "gcr"
      ? { project: "gantry-test" }
      : { location: "us", project: "gantry-test", repository: "releases" },
  insecure: true,
});

const statuses = (result: ConnectionCheckResult) => result.steps.map((s) => `${s.id}:${s.status}`).join(" ");
const message = (result: ConnectionCheckResult, id: string) => result.steps.find((s) => s.id === id)?.message;

describe("testConnection for cloud providers", () => {
  it("checks an ECR target end to end: token from ECR, list and create through ECR, push to the registry", async () => {
    const result = await testConnection(ecr(ALICE), options("target"));
    expect(statuses(result)).toBe(
      "dns:passed tcp:passed tls:skipped registry:passed challenge:passed credential:passed list:passed create:passed push:passed",
    );
    expect(message(result, "credential")).toMatch(
      /^access key AKIAGANTRYTESTALICE1 accepted; its registry token is valid until \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/,
    );
    expect(message(result, "create")).toBe("created mirror/gantry-connection-check");
    expect(aws.repositories.get("mirror/gantry-connection-check")).toMatchObject({ imageTagMutability: "IMMUTABLE" });
    expect(message(result, "push")).toBe("started and cancelled an upload in mirror/gantry-connection-check");
    expect(new Date(result.tokenExpiresAt!).getTime()).toBeGreaterThan(Date.now() + 11 * 3600_000);
    expect(result.repositories).toEqual([]);

    const again = await testConnection(ecr(ALICE), options("target"));
    expect(message(again, "list")).toBe("1 repository: mirror/gantry-connection-check");
    expect(message(again, "create")).toBe(
      "the repository for mirror/gantry-connection-check exists already, so nothing was created",
    );
  });

  it("fails an ECR check at the credential step when AWS refuses the key, without showing the secret", async () => {
    const result = await testConnection(
      ecr({ ...ALICE, secretAccessKey: `${ALICE.secretAccessKey.slice(0, 39)}X` }),
      options("target"),
    );
    expect(statuses(result)).toMatch(/credential:failed list:skipped/);
    expect(message(result, "credential")).toMatch(
      /^AWS ECR GetAuthorizationToken: AWS refused access key AKIAGANTRYTESTALICE1 \(InvalidSignatureException: .*\); check the access key id and secret access key$/,
    );
    expect(JSON.stringify(result)).not.toContain(ALICE.secretAccessKey.slice(0, 39));
  });

  it("fails an ECR target at the create step when the key may not create repositories", async () => {
    const result = await testConnection(ecr(BOB), options("target"));
    expect(statuses(result)).toMatch(/list:passed create:failed push:skipped$/);
    expect(message(result, "create")).toMatch(
      /^AWS ECR CreateRepository mirror\/gantry-connection-check: access key AKIAGANTRYTESTBOB000 is not allowed to do this/,
    );
  });

  it("checks an Artifact Registry target: access token from the key, images and the repository through the API", async () => {
    const result = await testConnection(google("artifact_registry"), options("target"));
    expect(statuses(result)).toBe(
      "dns:passed tcp:passed tls:skipped registry:passed challenge:passed credential:passed list:passed create:passed push:passed",
    );
    expect(message(result, "credential")).toMatch(
      /^service account copier@gantry-test\.iam\.gserviceaccount\.com accepted; its registry token is valid until/,
    );
    expect(message(result, "list")).toBe("1 repository: gantry-test/releases/vendor/api");
    expect(message(result, "create")).toBe(
      "the repository for gantry-test/releases/gantry-connection-check exists already, so nothing was created",
    );
    const text = JSON.stringify(result);
    expect(text).not.toContain("PRIVATE KEY");
    expect(text).not.toContain(GOOGLE_TOKEN);
  });

  it("lists a GCR connection through the registry's catalog", async () => {
    const result = await testConnection(google("gcr"), options("source"));
    expect(statuses(result)).toBe(
      "dns:passed tcp:passed tls:skipped registry:passed challenge:passed credential:passed list:passed create:skipped push:skipped",
    );
    expect(message(result, "create")).toBe("source connections are only read from");
  });

  it("reports a damaged stored key at the first step instead of throwing", async () => {
    const result = await testConnection(google("gcr", '{"type":"service_account"}'), options("source"));
    expect(statuses(result)).toMatch(/^dns:failed tcp:skipped/);
    expect(message(result, "dns")).toMatch(/^the stored service account key is not usable: expected "client_email"/);
  });
});
