/**
 * A registry connection as lib/registries receives it: the stored Registry row with its
 * secret already decrypted. Validation happens where input arrives (connection-input.ts);
 * the adapters trust what was stored.
 */

/** Mirrors the Prisma enum RegistryProvider (a test keeps the two equal). */
export const registryProviders = [
  "ecr",
  "artifact_registry",
  "gcr",
  "acr",
  "dockerhub",
  "quay",
  "ghcr",
  "generic",
] as const;
export type RegistryProvider = (typeof registryProviders)[number];

/** Mirrors the Prisma enum RegistryAuthKind. */
export const registryAuthKinds = ["anonymous", "basic", "bearer", "aws", "gcp_service_account"] as const;
export type RegistryAuthKind = (typeof registryAuthKinds)[number];

export interface RegistryConnection {
  provider: RegistryProvider;
  /** `host[:port]` of the V2 API. */
  endpoint: string;
  /** Repository prefix every repository of this connection lives under. */
  namespace?: string | null;
  authKind: RegistryAuthKind;
  username?: string | null;
  /** Decrypted password, token, secret access key or service-account key JSON. */
  secret?: string | null;
  /** Provider settings without secrets (region, roleArn, project, ...). */
  settings: Record<string, unknown>;
  insecure: boolean;
  caPem?: string | null;
}
