import "server-only";
import { anonymous, staticAuthenticator, type Credentials } from "@/lib/oci/auth/authenticator";
import { apiHostOf } from "@/lib/oci/reference";
import type { RegistryConnection } from "../connection";
import { ConnectionSettingsError } from "../errors";
import { scratchRepositoryUnder, type RegistryAdapter } from "../registry-adapter";

/**
 * ACR, Docker Hub, Quay, GHCR and any V2 registry: they differ in their form and hosts, and
 * all take a long-lived credential that lib/oci sends as Basic or exchanges at the registry's
 * token service itself, so there is nothing to refresh here.
 */
export function openStaticCredentials(connection: RegistryConnection): RegistryAdapter {
  const credentials = credentialsOf(connection);
  // Docker Hub's stored endpoint is docker.io (its input accepts no other), whose API lives at
  // registry-1.docker.io; the stored endpoint is honoured as every adapter does.
  const registry = connection.endpoint;
  const namespace = connection.namespace ?? undefined;
  return {
    provider: connection.provider,
    registry,
    apiHost: apiHostOf(registry),
    namespace,
    insecure: connection.insecure,
    caPem: connection.caPem ?? undefined,
    authenticator: credentials.kind === "anonymous" ? anonymous : staticAuthenticator(credentials),
    credentialLabel: labelOf(credentials),
    scratchRepository: scratchRepositoryUnder(namespace ?? accountNamespace(connection)),
    secrets: () => (connection.secret ? [connection.secret] : []),
    close: async () => undefined,
  };
}

function credentialsOf(connection: RegistryConnection): Credentials {
  const { authKind, username, secret } = connection;
  if (authKind === "anonymous") return { kind: "anonymous" };
  if (!secret)
    throw new ConnectionSettingsError(`the connection uses ${authKind} authentication but holds no password or token`);
  if (authKind === "basic") {
    if (!username) throw new ConnectionSettingsError("the connection uses basic authentication but has no username");
    return { kind: "basic", username, password: secret };
  }
  if (authKind === "bearer") {
    // A username means Basic credentials for the token service (lib/oci exchanges them);
    // without one the secret is a token that goes out as is.
    return username ? { kind: "basic", username, password: secret } : { kind: "bearer", token: secret };
  }
  throw new ConnectionSettingsError(`${connection.provider} connections do not take ${authKind} credentials`);
}

function labelOf(credentials: Credentials): string {
  switch (credentials.kind) {
    case "anonymous":
      return "anonymous access";
    case "basic":
      return `user '${credentials.username}'`;
    default:
      return "the ready-made token";
  }
}

/** Hosted registries keep a user's repositories under the account's name. */
function accountNamespace(connection: RegistryConnection): string | undefined {
  const user = connection.username?.toLowerCase();
  if (!user) return undefined;
  if (connection.provider === "dockerhub" || connection.provider === "ghcr") return user;
  if (connection.provider === "quay") return user.split("+")[0];
  return undefined;
}
