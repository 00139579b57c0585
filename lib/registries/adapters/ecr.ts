import "server-only";
import { createHash } from "node:crypto";
import type { ECRClient } from "@aws-sdk/client-ecr";
import { z } from "zod";
import type { RegistryConnection } from "../connection";
import { ConnectionSettingsError, ProviderApiError } from "../errors";
import { ExpiringToken } from "../expiring-token";
import {
  scratchRepositoryUnder,
  type AdapterContext,
  type ListRepositoriesOptions,
  type RegistryAdapter,
} from "../registry-adapter";
import { parseSettings } from "./adapter-settings";
import { awsIdentity, sdkClientConfig } from "./aws-credentials";
import { toAwsError } from "./aws-errors";

const settingsSchema = z.object({
  region: z.string({ error: "expected the AWS region" }).min(1, "expected the AWS region"),
  useDefaultChain: z.boolean().default(false),
  roleArn: z.string().optional(),
  externalId: z.string().optional(),
  tagImmutability: z.boolean().default(false),
  scanOnPush: z.boolean().default(false),
});

/**
 * ECR passwords live 12 hours. Renewing an hour before the end leaves room for clock skew
 * and for a copy that asked just before the switch, while a token is still fetched only
 * about twice a day per connection.
 */
export const ECR_REFRESH_BEFORE_MS = 60 * 60_000;
const PAGE_SIZE = 1000;
const MAX_PAGES = 100;

interface RegistryPassword {
  username: string;
  password: string;
}

export function openEcr(connection: RegistryConnection, context: AdapterContext): RegistryAdapter {
  const settings = parseSettings(settingsSchema, connection);
  const accessKey = staticKeys(connection, settings.useDefaultChain);
  const identity = awsIdentity({
    region: settings.region,
    accessKey,
    roleArn: settings.roleArn,
    externalId: settings.externalId,
    stsEndpoint: context.endpoints.sts,
    now: context.now,
  });
  const secrets = accessKey ? [accessKey.secretAccessKey] : [];
  const call = { who: identity.label, secrets, service: "AWS ECR" as const };
  let client: Promise<ECRClient> | undefined;
  const ecr = () =>
    (client ??= import("@aws-sdk/client-ecr").then(
      ({ ECRClient }) => new ECRClient(sdkClientConfig(settings.region, context.endpoints.ecr, identity.credentials)),
    ));

  const token = context.tokenCache.getOrCreate(
    fingerprint(connection, settings, context),
    () =>
      new ExpiringToken<RegistryPassword>({
        refreshBeforeMs: ECR_REFRESH_BEFORE_MS,
        now: context.now,
        // Its own client: the cached token outlives this adapter and whatever closes it.
        fetch: async () => {
          const { ECRClient, GetAuthorizationTokenCommand } = await import("@aws-sdk/client-ecr");
          const tokenClient = new ECRClient(
            sdkClientConfig(settings.region, context.endpoints.ecr, identity.credentials),
          );
          try {
            const out = await tokenClient.send(new GetAuthorizationTokenCommand({}));
            return decodeAuthorization(out.authorizationData?.[0]);
          } catch (error) {
            throw toAwsError(error, { ...call, action: "GetAuthorizationToken" });
          } finally {
            tokenClient.destroy();
          }
        },
      }),
  );
  const namespace = connection.namespace ?? undefined;

  return {
    provider: "ecr",
    registry: connection.endpoint,
    apiHost: connection.endpoint,
    namespace,
    // HTTPS-only is enforced on input; honouring the stored flags lets tests use a local registry.
    insecure: connection.insecure,
    caPem: connection.caPem ?? undefined,
    authenticator: {
      credentials: async ({ signal }) => ({ kind: "basic", ...(await token.get(signal)) }),
    },
    credentialLabel: identity.label,
    scratchRepository: scratchRepositoryUnder(namespace),
    tokenExpiresAt: () => token.expiresAt(),
    listRepositories: async (options: ListRepositoriesOptions = {}) => {
      const { DescribeRepositoriesCommand } = await import("@aws-sdk/client-ecr");
      const limit = options.limit ?? 10_000;
      const names: string[] = [];
      let nextToken: string | undefined;
      for (let page = 0; page < MAX_PAGES && names.length < limit; page++) {
        try {
          const out = await (
            await ecr()
          ).send(new DescribeRepositoriesCommand({ maxResults: PAGE_SIZE, nextToken }), {
            abortSignal: options.signal,
          });
          names.push(
            ...(out.repositories ?? [])
              .map((r) => r.repositoryName ?? "")
              .filter((n) => n && (!namespace || n.startsWith(`${namespace}/`))),
          );
          nextToken = out.nextToken;
        } catch (error) {
          throw toAwsError(error, { ...call, action: "DescribeRepositories" });
        }
        if (!nextToken) break;
      }
      return names.slice(0, limit).sort();
    },
    createRepository: async (repository, options = {}) => {
      const { CreateRepositoryCommand } = await import("@aws-sdk/client-ecr");
      const command = new CreateRepositoryCommand({
        repositoryName: repository,
        imageTagMutability: settings.tagImmutability ? "IMMUTABLE" : "MUTABLE",
        imageScanningConfiguration: { scanOnPush: settings.scanOnPush },
      });
      try {
        await (await ecr()).send(command, { abortSignal: options.signal });
        return { created: true };
      } catch (error) {
        if (error instanceof Error && error.name === "RepositoryAlreadyExistsException") return { created: false };
        throw toAwsError(error, { ...call, action: `CreateRepository ${repository}` });
      }
    },
    secrets: () => secrets,
    close: async () => {
      if (client) (await client).destroy();
    },
  };
}

function staticKeys(connection: RegistryConnection, useDefaultChain: boolean) {
  if (useDefaultChain) return undefined;
  if (!connection.username || !connection.secret) {
    throw new ConnectionSettingsError(
      "the ECR connection has neither an access key (id and secret) nor the default credential chain",
    );
  }
  return { accessKeyId: connection.username, secretAccessKey: connection.secret };
}

/** `authorizationToken` is base64 of `AWS:<password>`. */
function decodeAuthorization(data: { authorizationToken?: string; expiresAt?: Date } | undefined) {
  const decoded = Buffer.from(data?.authorizationToken ?? "", "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0 || !data?.expiresAt) {
    throw new ProviderApiError("AWS ECR GetAuthorizationToken answered without a usable token", {
      service: "AWS ECR",
      kind: "auth",
      code: "TOKEN_INVALID",
    });
  }
  return {
    value: { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) },
    expiresAt: data.expiresAt.getTime(),
  };
}

/** One cached token per identity and registry; a changed secret or role gets a new one. */
function fingerprint(
  connection: RegistryConnection,
  settings: z.output<typeof settingsSchema>,
  context: AdapterContext,
): string {
  const identity = [
    connection.endpoint,
    settings.region,
    connection.username,
    connection.secret,
    settings.useDefaultChain,
    settings.roleArn,
    settings.externalId,
  ];
  return `ecr:${createHash("sha256")
    .update(JSON.stringify([identity, context.endpoints.ecr, context.endpoints.sts]))
    .digest("hex")}`;
}
