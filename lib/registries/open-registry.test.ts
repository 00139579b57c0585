import { describe, expect, it } from "vitest";
import type { RegistryConnection } from "./connection";
import { ConnectionSettingsError, EndpointRefusedError } from "./errors";
import { createRegistryAdapter, endpointsFromEnv, openRegistry, registryClientOptions } from "./open-registry";

const connection = (overrides: Partial<RegistryConnection>): RegistryConnection => ({
  provider: "generic",
  endpoint: "registry.example.com",
  authKind: "basic",
  username: "ci",
  secret: "pw",
  settings: {},
  insecure: false,
  ...overrides,
});

describe("openRegistry", () => {
  it("maps the password providers to lib/oci credentials, hosts and a scratch repository", async () => {
    const hub = createRegistryAdapter(connection({ provider: "dockerhub", endpoint: "docker.io", username: "Acme" }));
    expect(hub).toMatchObject({
      registry: "docker.io",
      apiHost: "registry-1.docker.io",
      scratchRepository: "acme/gantry-connection-check",
      credentialLabel: "user 'Acme'",
    });
    expect(await hub.authenticator.credentials({ registry: "docker.io" })).toEqual({
      kind: "basic",
      username: "Acme",
      password: "pw",
    });

    const quay = createRegistryAdapter(
      connection({ provider: "quay", endpoint: "quay.io", username: "vendor+deployer" }),
    );
    expect(quay.scratchRepository).toBe("vendor/gantry-connection-check");
    const ghcr = createRegistryAdapter(
      connection({ provider: "ghcr", endpoint: "ghcr.io", username: "OctoCat", namespace: "octo-org" }),
    );
    expect(ghcr.scratchRepository).toBe("octo-org/gantry-connection-check");

    const token = createRegistryAdapter(connection({ authKind: "bearer", username: null, secret: "ready-token" }));
    expect(await token.authenticator.credentials({ registry: "x" })).toEqual({ kind: "bearer", token: "ready-token" });
    const exchanged = createRegistryAdapter(connection({ authKind: "bearer" }));
    expect(await exchanged.authenticator.credentials({ registry: "x" })).toEqual({
      kind: "basic",
      username: "ci",
      password: "pw",
    });
    const anonymous = createRegistryAdapter(connection({ authKind: "anonymous", username: null, secret: null }));
    expect(await anonymous.authenticator.credentials({ registry: "x" })).toEqual({ kind: "anonymous" });

    expect(() => createRegistryAdapter(connection({ secret: null }))).toThrow(ConnectionSettingsError);
    expect(() => createRegistryAdapter(connection({ provider: "ecr", settings: {} }))).toThrow(
      "settings.region: expected the AWS region (ecr connection)",
    );
  });

  it("checks the registry's addresses each time it opens a connection", async () => {
    await expect(openRegistry(connection({ endpoint: "169.254.169.254" }))).rejects.toBeInstanceOf(
      EndpointRefusedError,
    );
    await expect(openRegistry(connection({ endpoint: "[fd00:ec2::254]:443" }))).rejects.toThrow(
      "fd00:ec2::254 is a cloud metadata service address",
    );
    await expect(
      openRegistry(connection({ endpoint: "127.0.0.1:5000" }), { guard: { allowLoopback: false } }),
    ).rejects.toThrow(/loopback/);
    const opened = await openRegistry(connection({ endpoint: "127.0.0.1:5000", insecure: true }), {
      guard: { allowLoopback: true },
    });
    expect(registryClientOptions(opened, { side: "target" })).toMatchObject({
      registry: "127.0.0.1:5000",
      insecure: true,
      side: "target",
      auth: opened.authenticator,
    });
  });

  it("reads control-plane overrides from the environment", () => {
    expect(
      endpointsFromEnv({
        GANTRY_AWS_ENDPOINT_URL_ECR: "http://127.0.0.1:4566/",
        GANTRY_AWS_ENDPOINT_URL_STS: "http://127.0.0.1:4566",
        GANTRY_GOOGLE_OAUTH_TOKEN_URL: "http://127.0.0.1:9000/token",
        GANTRY_GOOGLE_ARTIFACT_REGISTRY_URL: "http://127.0.0.1:9000",
      }),
    ).toEqual({
      ecr: "http://127.0.0.1:4566",
      sts: "http://127.0.0.1:4566",
      googleToken: "http://127.0.0.1:9000/token",
      artifactRegistry: "http://127.0.0.1:9000",
    });
    expect(endpointsFromEnv({})).toEqual({
      ecr: undefined,
      sts: undefined,
      googleToken: undefined,
      artifactRegistry: undefined,
    });
    expect(() => endpointsFromEnv({ GANTRY_AWS_ENDPOINT_URL_ECR: "localhost:4566" })).toThrow(
      "GANTRY_AWS_ENDPOINT_URL_ECR must be an http(s) URL",
    );
  });
});
