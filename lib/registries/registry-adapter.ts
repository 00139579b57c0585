import type { Authenticator } from "@/lib/oci/auth/authenticator";
import type { RegistryProvider } from "./connection";
import type { TokenCache } from "./expiring-token";

/** Control-plane endpoints, replaced only to reach local stand-ins (tests, the demo). */
export interface ControlPlaneEndpoints {
  /** AWS ECR API, e.g. http://127.0.0.1:4566. */
  ecr?: string;
  /** AWS STS API. */
  sts?: string;
  /** Google's OAuth 2.0 token endpoint (https://oauth2.googleapis.com/token). */
  googleToken?: string;
  /** Artifact Registry API (https://artifactregistry.googleapis.com). */
  artifactRegistry?: string;
}

export interface AdapterContext {
  endpoints: ControlPlaneEndpoints;
  tokenCache: TokenCache;
  now: () => number;
}

export interface CreateRepositoryOptions {
  signal?: AbortSignal;
}

export interface ListRepositoriesOptions {
  signal?: AbortSignal;
  /** Stop after this many (default 10 000). */
  limit?: number;
}

/** A stored connection turned into what lib/oci needs, plus the provider's own API where it has one. */
export interface RegistryAdapter {
  provider: RegistryProvider;
  /** `host[:port]` for references and RegistryClient (`docker.io` for Docker Hub). */
  registry: string;
  /** `host[:port]` the V2 API is served from (`registry-1.docker.io` for Docker Hub). */
  apiHost: string;
  /** Repository prefix of the connection, if any. */
  namespace?: string;
  insecure: boolean;
  caPem?: string;
  authenticator: Authenticator;
  /** Who the credential is, for messages: "user 'ci'", "access key AKIA…", "service account a@b". */
  credentialLabel: string;
  /** Where a connection check may open (and cancel) an upload. */
  scratchRepository: string;
  /** When the current short-lived registry token expires; null before the first one. */
  tokenExpiresAt?(): Date | null;
  /** Full repository paths (as in references, without the host) the credential can see. */
  listRepositories?(options?: ListRepositoriesOptions): Promise<string[]>;
  /** Makes sure `repository` (a full path) can be pushed to; `created` says whether this call created it. */
  createRepository?(repository: string, options?: CreateRepositoryOptions): Promise<{ created: boolean }>;
  /** Long-lived secrets of the connection, to scrub from any message. */
  secrets(): string[];
  /** Releases provider API clients. */
  close(): Promise<void>;
}

export const SCRATCH_REPOSITORY_NAME = "gantry-connection-check";

export function scratchRepositoryUnder(prefix: string | undefined | null): string {
  return prefix ? `${prefix}/${SCRATCH_REPOSITORY_NAME}` : SCRATCH_REPOSITORY_NAME;
}
