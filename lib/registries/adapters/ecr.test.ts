import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAwsStandIn, type RunningAwsStandIn } from "@/test/fixtures/aws-stand-in";
import type { RegistryConnection } from "../connection";
import { ProviderApiError } from "../errors";
import { TokenCache } from "../expiring-token";
import { createRegistryAdapter, type OpenRegistryOptions } from "../open-registry";
import { refreshRegistryToken } from "../refresh-registry-token";
import { ECR_REFRESH_BEFORE_MS } from "./ecr";

const ALICE = { accessKeyId: "AKIAGANTRYTESTALICE1", secretAccessKey: "aliceSecretKey0000000000000000000000000/+" };
const BOB = { accessKeyId: "AKIAGANTRYTESTBOB000", secretAccessKey: "bobSecretKey000000000000000000000000000/+" };
const ROLE = "arn:aws:iam::123456789012:role/gantry-pusher";
const HOUR = 3_600_000;

let aws: RunningAwsStandIn;

beforeAll(async () => {
  aws = await startAwsStandIn({
    users: [ALICE, BOB],
    roles: [{ roleArn: ROLE, externalId: "gantry-ext-1", trusted: [ALICE.accessKeyId] }],
    registryPassword: "ecr-registry-password",
    deny: [{ action: "CreateRepository", accessKeyIds: [BOB.accessKeyId] }],
    maxPageSize: 2,
  });
});
afterAll(() => aws?.stop());

function ecr(
  settings: Record<string, unknown> = {},
  keys: { accessKeyId: string; secretAccessKey: string } | null = ALICE,
): RegistryConnection {
  return {
    provider: "ecr",
    endpoint: "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
    authKind: "aws",
    username: keys?.accessKeyId ?? null,
    secret: keys?.secretAccessKey ?? null,
    settings: { region: "eu-west-1", accountId: "123456789012", useDefaultChain: keys === null, ...settings },
    insecure: false,
  };
}

function options(extra: Partial<OpenRegistryOptions> = {}): OpenRegistryOptions {
  return { endpoints: { ecr: aws.url, sts: aws.url }, tokenCache: new TokenCache(), ...extra };
}

const tokenCalls = () => aws.requests.filter((r) => r.action === "GetAuthorizationToken").length;

describe("ECR adapter through the AWS SDK and a local stand-in", () => {
  it("turns access keys into ECR's Basic credentials, signed with SigV4", async () => {
    const adapter = createRegistryAdapter(ecr(), options());
    expect(adapter.tokenExpiresAt!()).toBeNull();
    const before = Date.now();
    expect(await adapter.authenticator.credentials({ registry: adapter.registry })).toEqual({
      kind: "basic",
      username: "AWS",
      password: "ecr-registry-password",
    });
    const expiry = adapter.tokenExpiresAt!()!.getTime();
    expect(expiry).toBeGreaterThanOrEqual(before + 12 * HOUR - 5_000);
    expect(aws.requests.at(-1)).toMatchObject({
      service: "ecr",
      action: "GetAuthorizationToken",
      accessKeyId: ALICE.accessKeyId,
      status: 200,
      temporary: false,
    });
    expect(adapter.credentialLabel).toBe(`access key ${ALICE.accessKeyId}`);
    await adapter.close();
  });

  it("caches the token across adapters of one connection and renews it an hour before it expires", async () => {
    let now = Date.now();
    const shared = options({ now: () => now });
    const first = createRegistryAdapter(ecr(), shared);
    const calls = tokenCalls();
    await first.authenticator.credentials({ registry: first.registry });
    const second = createRegistryAdapter(ecr(), shared);
    await Promise.all([1, 2, 3].map(() => second.authenticator.credentials({ registry: second.registry })));
    expect(tokenCalls()).toBe(calls + 1);

    const expiry = second.tokenExpiresAt!()!.getTime();
    now = expiry - ECR_REFRESH_BEFORE_MS - 60_000;
    await second.authenticator.credentials({ registry: second.registry });
    expect(tokenCalls()).toBe(calls + 1);
    now = expiry - ECR_REFRESH_BEFORE_MS + 60_000;
    await second.authenticator.credentials({ registry: second.registry });
    expect(tokenCalls()).toBe(calls + 2);

    const otherSecret = createRegistryAdapter(ecr({}, BOB), shared);
    await otherSecret.authenticator.credentials({ registry: otherSecret.registry });
    expect(tokenCalls()).toBe(calls + 3);
  });

  it("gives the scheduled refresh the token's expiry, fetching only when it is due", async () => {
    let now = Date.now();
    const shared = options({ now: () => now, guard: { allowLoopback: true } });
    const stored = { ...ecr(), endpoint: "127.0.0.1:5000" };
    const calls = tokenCalls();
    const first = await refreshRegistryToken(stored, shared);
    expect(first.tokenExpiresAt!.getTime()).toBeGreaterThan(now + 11 * HOUR);
    expect((await refreshRegistryToken(stored, shared)).tokenExpiresAt).toEqual(first.tokenExpiresAt);
    now = first.tokenExpiresAt!.getTime() - 30 * 60_000;
    const renewed = await refreshRegistryToken(stored, shared);
    expect(tokenCalls()).toBe(calls + 2);
    expect(renewed.tokenExpiresAt!.getTime()).toBeGreaterThan(first.tokenExpiresAt!.getTime() - 1);
    expect(
      await refreshRegistryToken({ ...stored, provider: "generic", authKind: "anonymous", insecure: true }, shared),
    ).toEqual({ tokenExpiresAt: null });
  });

  it("assumes a role with its external id, then calls ECR with the session's credentials", async () => {
    const adapter = createRegistryAdapter(ecr({ roleArn: ROLE, externalId: "gantry-ext-1" }), options());
    await adapter.authenticator.credentials({ registry: adapter.registry });
    const [assume, token] = aws.requests.slice(-2);
    expect(assume).toMatchObject({ service: "sts", action: "AssumeRole", accessKeyId: ALICE.accessKeyId, status: 200 });
    expect(assume!.body).toMatchObject({ RoleArn: ROLE, RoleSessionName: "gantry", ExternalId: "gantry-ext-1" });
    expect(token).toMatchObject({ service: "ecr", action: "GetAuthorizationToken", temporary: true, status: 200 });
    expect(adapter.credentialLabel).toBe(`access key ${ALICE.accessKeyId} assuming ${ROLE}`);
  });

  it("reports a refused role and a refused key as auth and denied failures that say what to do", async () => {
    const wrongExternal = createRegistryAdapter(ecr({ roleArn: ROLE, externalId: "other" }), options());
    const denied = await wrongExternal.authenticator.credentials({ registry: "x" }).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(ProviderApiError);
    expect(denied).toMatchObject({ kind: "denied", service: "AWS STS", code: "AccessDenied" });
    expect((denied as Error).message).toMatch(
      /^AWS STS AssumeRole arn:aws:iam::123456789012:role\/gantry-pusher: access key AKIAGANTRYTESTALICE1 is not allowed to do this \(AccessDenied: User: .* is not authorized to perform: sts:AssumeRole/,
    );

    const wrongSecret = createRegistryAdapter(ecr({}, { ...ALICE, secretAccessKey: "x".repeat(40) }), options());
    const refused = await wrongSecret.authenticator.credentials({ registry: "x" }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ kind: "auth", code: "InvalidSignatureException" });
    expect((refused as Error).message).toMatch(
      /AWS refused access key AKIAGANTRYTESTALICE1 .*check the access key id and secret access key$/,
    );
    expect((refused as Error).message).not.toContain("x".repeat(40));
  });

  it("uses the default credential chain (here: the environment) when told to", async () => {
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = BOB.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = BOB.secretAccessKey;
    try {
      const adapter = createRegistryAdapter(ecr({}, null), options());
      await adapter.authenticator.credentials({ registry: adapter.registry });
      expect(aws.requests.at(-1)).toMatchObject({
        action: "GetAuthorizationToken",
        accessKeyId: BOB.accessKeyId,
        status: 200,
      });
      expect(adapter.credentialLabel).toBe("this server's AWS identity");
    } finally {
      process.env.AWS_ACCESS_KEY_ID = saved.id;
      process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
      if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
      if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
    }
  });

  it("creates repositories with the connection's options, lists them page by page, and knows existing ones", async () => {
    const adapter = createRegistryAdapter(
      { ...ecr({ tagImmutability: true, scanOnPush: true }), namespace: "mirror" },
      options(),
    );
    expect(await adapter.createRepository!("mirror/api")).toEqual({ created: true });
    expect(await adapter.createRepository!("mirror/api")).toEqual({ created: false });
    await adapter.createRepository!("mirror/engine");
    await adapter.createRepository!("mirror/license-proxy");
    await adapter.createRepository!("elsewhere/tool");
    expect(aws.repositories.get("mirror/api")).toEqual({
      repositoryName: "mirror/api",
      imageTagMutability: "IMMUTABLE",
      scanOnPush: true,
    });

    const pagesBefore = aws.requests.filter((r) => r.action === "DescribeRepositories").length;
    expect(await adapter.listRepositories!()).toEqual(["mirror/api", "mirror/engine", "mirror/license-proxy"]);
    expect(aws.requests.filter((r) => r.action === "DescribeRepositories").length - pagesBefore).toBe(2);
    await adapter.close();
  });

  it("says which permission is missing when creating is denied", async () => {
    const adapter = createRegistryAdapter(ecr({}, BOB), options());
    const error = await adapter.createRepository!("team/api").catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "denied", code: "AccessDeniedException" });
    expect((error as Error).message).toMatch(
      /^AWS ECR CreateRepository team\/api: access key AKIAGANTRYTESTBOB000 is not allowed to do this \(AccessDeniedException: .*ecr:CreateRepository.*\); grant it in IAM$/,
    );
  });
});
