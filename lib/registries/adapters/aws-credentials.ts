import "server-only";
import type { ECRClientConfig } from "@aws-sdk/client-ecr";
import { ExpiringToken } from "../expiring-token";
import { toAwsError } from "./aws-errors";

type CredentialsOption = NonNullable<ECRClientConfig["credentials"]>;

export interface AwsIdentityOptions {
  region: string;
  /** Static keys; undefined uses the AWS SDK's default credential chain. */
  accessKey?: { accessKeyId: string; secretAccessKey: string };
  roleArn?: string;
  externalId?: string;
  stsEndpoint?: string;
  now: () => number;
}

export interface AwsIdentity {
  /** What to give an SDK client as `credentials`; undefined lets it use the default chain. */
  credentials?: CredentialsOption;
  /** For messages: "access key AKIA… assuming arn:…". */
  label: string;
}

// Assumed-role sessions last an hour by default; renew them with a margin for slow calls.
const SESSION_REFRESH_BEFORE_MS = 5 * 60_000;

/** The AWS identity Gantry calls ECR with: static keys or the default chain, optionally via STS AssumeRole. */
export function awsIdentity(options: AwsIdentityOptions): AwsIdentity {
  const base = options.accessKey ? `access key ${options.accessKey.accessKeyId}` : "this server's AWS identity";
  if (!options.roleArn) return { credentials: options.accessKey, label: base };
  const { roleArn, externalId } = options;
  const label = `${base} assuming ${roleArn}`;
  const session = new ExpiringToken({
    refreshBeforeMs: SESSION_REFRESH_BEFORE_MS,
    now: options.now,
    fetch: async () => {
      const { STSClient, AssumeRoleCommand } = await import("@aws-sdk/client-sts");
      const sts = new STSClient(sdkClientConfig(options.region, options.stsEndpoint, options.accessKey));
      try {
        const out = await sts.send(
          new AssumeRoleCommand({
            RoleArn: roleArn,
            RoleSessionName: "gantry",
            ...(externalId ? { ExternalId: externalId } : {}),
          }),
        );
        const c = out.Credentials;
        if (!c?.AccessKeyId || !c.SecretAccessKey || !c.Expiration)
          throw new Error("AssumeRole answered without credentials");
        const value = {
          accessKeyId: c.AccessKeyId,
          secretAccessKey: c.SecretAccessKey,
          sessionToken: c.SessionToken,
          expiration: c.Expiration,
        };
        return { value, expiresAt: c.Expiration.getTime() };
      } catch (error) {
        throw toAwsError(error, {
          service: "AWS STS",
          action: `AssumeRole ${roleArn}`,
          who: base,
          secrets: secretsOf(options),
        });
      } finally {
        sts.destroy();
      }
    },
  });
  return { credentials: () => session.get(), label };
}

/** Region, endpoint override, credentials and timeouts shared by the ECR and STS clients. */
export function sdkClientConfig(
  region: string,
  endpoint: string | undefined,
  credentials: CredentialsOption | undefined,
) {
  return {
    region,
    ...(endpoint ? { endpoint } : {}),
    ...(credentials ? { credentials } : {}),
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 30_000 },
  };
}

function secretsOf(options: AwsIdentityOptions): string[] {
  return options.accessKey ? [options.accessKey.secretAccessKey] : [];
}
