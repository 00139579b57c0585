import {
  ARTIFACT_REGISTRY_ENDPOINT,
  ECR_ENDPOINT,
  type ConnectionEdit,
  type ConnectionInput,
} from "./connection-input";
import type { RegistryAuthKind, RegistryConnection, RegistryProvider } from "./connection";
import { checkServiceAccountKey } from "./service-account-key";

/** What the Registry row stores for a validated body (the secret still in clear). */
export interface ConnectionFields extends Omit<RegistryConnection, "secret"> {
  name: string;
  provider: RegistryProvider;
  namespace: string | null;
  authKind: RegistryAuthKind;
  /** `undefined` (edit only, with the key left out) keeps the stored one. */
  username: string | null | undefined;
  /** The new secret; `null` clears it; `undefined` (edit only) keeps the stored one. */
  secret: string | null | undefined;
  caPem: string | null;
  /** Upload cap into the registry in Mbit/s, all workers together; null: none. */
  bandwidthLimitMbps: number | null;
}

/**
 * Maps a validated create or edit body to the stored shape: splits an Artifact Registry path
 * into host and namespace, reads the region out of an ECR host, and keeps what is not secret
 * (a service account's address, an access key id) where the page may show it again.
 */
export function toConnectionFields(input: ConnectionInput | ConnectionEdit): ConnectionFields {
  const base = {
    name: input.name,
    provider: input.provider,
    namespace: input.namespace ?? null,
    insecure: input.insecure,
    bandwidthLimitMbps: input.bandwidthLimitMbps ?? null,
  };
  const tls = { caPem: "caPem" in input ? (input.caPem ?? null) : null };
  switch (input.provider) {
    case "ecr": {
      const [, accountId, region] = ECR_ENDPOINT.exec(input.endpoint)!;
      const { auth } = input;
      const chain = auth.source === "default_chain";
      return {
        ...base,
        ...tls,
        endpoint: input.endpoint,
        authKind: "aws",
        username: chain ? null : (auth.accessKeyId ?? null),
        secret: chain ? null : auth.secretAccessKey,
        settings: {
          region,
          accountId,
          useDefaultChain: chain,
          ...(auth.roleArn ? { roleArn: auth.roleArn } : {}),
          ...(auth.externalId ? { externalId: auth.externalId } : {}),
          tagImmutability: input.settings.tagImmutability,
          scanOnPush: input.settings.scanOnPush,
        },
      };
    }
    case "artifact_registry": {
      const [, location, project, repository] = ARTIFACT_REGISTRY_ENDPOINT.exec(input.endpoint)!;
      const { username, secret } = serviceAccount(input.auth.serviceAccountKey);
      return {
        ...base,
        ...tls,
        endpoint: `${location}-docker.pkg.dev`,
        namespace: `${project}/${repository}`,
        authKind: "gcp_service_account",
        username,
        secret,
        settings: { location, project, repository },
      };
    }
    case "gcr": {
      const [host, pathProject] = input.endpoint.split("/", 2) as [string, string | undefined];
      const account = serviceAccount(input.auth.serviceAccountKey);
      const project = pathProject ?? account.keyProject;
      return {
        ...base,
        ...tls,
        endpoint: host,
        // The schema makes sure one of the two names the project.
        namespace: project ?? null,
        authKind: "gcp_service_account",
        username: account.username,
        secret: account.secret,
        settings: project ? { project } : {},
      };
    }
    case "acr":
      return {
        ...base,
        ...tls,
        endpoint: input.endpoint,
        authKind: "basic",
        username: input.auth.username,
        secret: input.auth.password,
        settings: input.settings,
      };
    case "dockerhub":
    case "quay":
    case "ghcr":
    case "generic": {
      const { auth } = input;
      const settings = {};
      if (auth.kind === "anonymous")
        return {
          ...base,
          ...tls,
          endpoint: input.endpoint,
          authKind: "anonymous",
          username: null,
          secret: null,
          settings,
        };
      return {
        ...base,
        ...tls,
        endpoint: input.endpoint,
        authKind: auth.kind,
        username: auth.username ?? null,
        secret: auth.password,
        settings,
      };
    }
  }
}

/** The service account's address is shown again; its key never is. */
function serviceAccount(json: string | undefined): {
  username: string | undefined;
  secret: string | undefined;
  keyProject?: string;
} {
  if (json === undefined) return { username: undefined, secret: undefined };
  const checked = checkServiceAccountKey(json);
  if (!checked.ok) return { username: undefined, secret: json };
  return { username: checked.key.client_email, secret: json, keyProject: checked.key.project_id };
}
