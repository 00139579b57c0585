import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGcpStandIn, type RunningGcpStandIn } from "@/test/fixtures/gcp-stand-in";
import { createServiceAccountKey, type TestServiceAccount } from "@/test/fixtures/gcp-service-account";
import type { RegistryConnection } from "../connection";
import { ProviderApiError } from "../errors";
import { TokenCache } from "../expiring-token";
import { createRegistryAdapter, type OpenRegistryOptions } from "../open-registry";
import { GOOGLE_REFRESH_BEFORE_MS } from "./google-credentials";

const REPOSITORY = "projects/gantry-test/locations/europe-west1/repositories/releases";

let gcp: RunningGcpStandIn;
let copier: TestServiceAccount;
let reader: TestServiceAccount;
let stranger: TestServiceAccount;

beforeAll(async () => {
  copier = createServiceAccountKey({ name: "copier" });
  reader = createServiceAccountKey({ name: "reader" });
  stranger = createServiceAccountKey({ name: "stranger" });
  gcp = await startGcpStandIn({
    serviceAccounts: [copier, reader].map((a) => ({ clientEmail: a.clientEmail, publicKeyPem: a.publicKeyPem })),
    accessToken: "ya29.gantry-test-access-token",
    repositories: [{ name: REPOSITORY, packages: ["deepgram/api", "deepgram/engine", "deepgram/license-proxy"] }],
    denyCreate: [reader.clientEmail],
    maxPageSize: 2,
  });
});
afterAll(() => gcp?.stop());

function artifactRegistry(account: TestServiceAccount, repository = "releases"): RegistryConnection {
  return {
    provider: "artifact_registry",
    endpoint: "europe-west1-docker.pkg.dev",
    namespace: `gantry-test/${repository}`,
    authKind: "gcp_service_account",
    username: account.clientEmail,
    secret: account.json,
    settings: { location: "europe-west1", project: "gantry-test", repository },
    insecure: false,
  };
}

function options(extra: Partial<OpenRegistryOptions> = {}): OpenRegistryOptions {
  return {
    endpoints: { googleToken: gcp.tokenUrl, artifactRegistry: gcp.url },
    tokenCache: new TokenCache(),
    ...extra,
  };
}

const tokenCalls = () => gcp.requests.filter((r) => r.kind === "token").length;

describe("Artifact Registry adapter through google-auth-library, the Artifact Registry client and a local stand-in", () => {
  it("gets an access token with the key's signed JWT and hands it over as oauth2accesstoken", async () => {
    let now = Date.now();
    const adapter = createRegistryAdapter(artifactRegistry(copier), options({ now: () => now }));
    const calls = tokenCalls();
    expect(await adapter.authenticator.credentials({ registry: adapter.registry })).toEqual({
      kind: "basic",
      username: "oauth2accesstoken",
      password: "ya29.gantry-test-access-token",
    });
    expect(gcp.requests.at(-1)).toMatchObject({ kind: "token", account: copier.clientEmail, status: 200 });
    const expiry = adapter.tokenExpiresAt!()!.getTime();
    expect(expiry - Date.now()).toBeGreaterThan(3500_000);

    await adapter.authenticator.credentials({ registry: adapter.registry });
    expect(tokenCalls()).toBe(calls + 1);
    now = expiry - GOOGLE_REFRESH_BEFORE_MS + 1_000;
    await adapter.authenticator.credentials({ registry: adapter.registry });
    expect(tokenCalls()).toBe(calls + 2);
    expect(adapter).toMatchObject({
      registry: "europe-west1-docker.pkg.dev",
      namespace: "gantry-test/releases",
      scratchRepository: "gantry-test/releases/gantry-connection-check",
    });
  });

  it("reports a key Google does not know as refused credentials", async () => {
    const adapter = createRegistryAdapter(artifactRegistry(stranger), options());
    const error = await adapter.authenticator.credentials({ registry: adapter.registry }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderApiError);
    expect(error).toMatchObject({ kind: "auth", service: "Google OAuth", status: 400, code: "invalid_grant" });
    expect((error as Error).message).toMatch(
      /^Google OAuth refused service account stranger@gantry-test\.iam\.gserviceaccount\.com \(400 invalid_grant: .*\); the key may have been deleted or disabled/,
    );
    expect((error as Error).message).not.toContain("PRIVATE KEY");
  });

  it("lists the images of the repository as full paths, page by page", async () => {
    const adapter = createRegistryAdapter(artifactRegistry(copier), options());
    expect(await adapter.listRepositories!()).toEqual([
      "gantry-test/releases/deepgram/api",
      "gantry-test/releases/deepgram/engine",
      "gantry-test/releases/deepgram/license-proxy",
    ]);
    const pages = gcp.requests.filter((r) => r.path === `/v1/${REPOSITORY}/packages`);
    expect(pages).toHaveLength(2);
    // The client library signs its own JWT for API calls instead of spending an access token.
    expect(pages[0]).toMatchObject({ account: copier.clientEmail, credential: "self-signed-jwt", status: 200 });
    await adapter.close();
  });

  it("creates a missing repository once, through a long-running operation", async () => {
    const adapter = createRegistryAdapter(artifactRegistry(copier, "mirror"), options());
    expect(await adapter.createRepository!("gantry-test/mirror/deepgram/api")).toEqual({ created: true });
    expect(await adapter.createRepository!("gantry-test/mirror/deepgram/engine")).toEqual({ created: false });
    expect(gcp.repositories.get("projects/gantry-test/locations/europe-west1/repositories/mirror")).toEqual({
      format: "DOCKER",
      packages: [],
    });
    expect(gcp.requests.filter((r) => r.path.includes("/operations/")).length).toBeGreaterThanOrEqual(1);

    const again = createRegistryAdapter(artifactRegistry(copier, "mirror"), options());
    expect(await again.createRepository!("gantry-test/mirror/deepgram/api")).toEqual({ created: false });
    await expect(again.createRepository!("other-project/x/api")).rejects.toThrow(
      /outside europe-west1-docker\.pkg\.dev\/gantry-test\/mirror/,
    );
    await Promise.all([adapter.close(), again.close()]);
  });

  it("says which role is missing when creating is denied", async () => {
    const adapter = createRegistryAdapter(artifactRegistry(reader, "denied"), options());
    const error = await adapter.createRepository!("gantry-test/denied/api").catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: "denied",
      service: "Artifact Registry",
      status: 403,
      code: "PERMISSION_DENIED",
    });
    expect((error as Error).message).toMatch(
      /^Artifact Registry: service account reader@gantry-test\.iam\.gserviceaccount\.com may not create projects\/gantry-test\/locations\/europe-west1\/repositories\/denied \(403 PERMISSION_DENIED: Permission 'artifactregistry\.repositories\.create' denied.*\); grant it roles\/artifactregistry\.admin/,
    );
    await adapter.close();
  });
});
