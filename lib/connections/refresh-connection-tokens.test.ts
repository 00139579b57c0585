import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAwsStandIn, type RunningAwsStandIn } from "@/test/fixtures/aws-stand-in";
import { setupTestDatabase } from "@/test/support/database";
import { refreshConnectionTokens } from "./refresh-connection-tokens";
import { sealRegistrySecret } from "./registry-secret";

process.env.GANTRY_SECRET_KEY = crypto.randomBytes(32).toString("base64");
process.env.GANTRY_ALLOW_LOOPBACK_REGISTRIES = "1";
const database = setupTestDatabase();
const KEYS = { accessKeyId: "AKIAGANTRYTESTTOKEN1", secretAccessKey: crypto.randomBytes(30).toString("base64") };
let aws: RunningAwsStandIn;

beforeAll(async () => {
  aws = await startAwsStandIn({ users: [KEYS], registryPassword: "ecr-password", tokenLifetimeSeconds: 3 * 3600 });
  Object.assign(process.env, { GANTRY_AWS_ENDPOINT_URL_ECR: aws.url, GANTRY_AWS_ENDPOINT_URL_STS: aws.url });
});
afterAll(async () => {
  await aws?.stop();
});

/** Stored directly: the registry host is a loopback stand-in address the create schema refuses for ECR. */
async function storeEcr(name: string, secretAccessKey: string): Promise<string> {
  const row = await database.db().registry.create({
    data: {
      name,
      provider: "ecr",
      endpoint: "127.0.0.1:9",
      authKind: "aws",
      username: KEYS.accessKeyId,
      settings: { region: "us-east-1", accountId: aws.accountId },
      insecure: true,
    },
  });
  await database.db().registry.update({
    where: { id: row.id },
    data: { secretCiphertext: sealRegistrySecret(row.id, secretAccessKey) },
  });
  return row.id;
}

describe("refreshConnectionTokens", () => {
  it("stores the expiry of each short-lived token and goes on past a connection that fails", async () => {
    const good = await storeEcr("good", KEYS.secretAccessKey);
    await storeEcr("refused", "y".repeat(40));
    await database.db().registry.create({
      data: { name: "static", provider: "generic", endpoint: "10.0.0.5:5000", authKind: "anonymous" },
    });

    expect(await refreshConnectionTokens()).toEqual({ refreshed: 1, failed: 1 });
    const stored = await database.db().registry.findUniqueOrThrow({ where: { id: good } });
    const lifetime = stored.tokenExpiresAt!.getTime() - Date.now();
    expect(lifetime).toBeGreaterThan(2.9 * 3600_000);
    expect(lifetime).toBeLessThanOrEqual(3 * 3600_000);
    expect(aws.requests.filter((r) => r.action === "GetAuthorizationToken" && r.status === 200)).toHaveLength(1);

    // Still fresh: the cached token is reused, not fetched again.
    expect(await refreshConnectionTokens()).toEqual({ refreshed: 1, failed: 1 });
    expect(aws.requests.filter((r) => r.action === "GetAuthorizationToken" && r.status === 200)).toHaveLength(1);
  });
});
