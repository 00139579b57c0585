import "server-only";
import type { RegistryClientOptions } from "@/lib/oci/registry-client";
import { openArtifactRegistry } from "./adapters/artifact-registry";
import { openEcr } from "./adapters/ecr";
import { openGcr } from "./adapters/gcr";
import { openStaticCredentials } from "./adapters/static-credentials";
import type { RegistryConnection } from "./connection";
import { parseEndpoint } from "./endpoint";
import { ConnectionSettingsError } from "./errors";
import { registryAddressPolicy, resolveAllowedAddresses, type GuardOptions } from "./endpoint-guard";
import { sharedTokenCache, type TokenCache } from "./expiring-token";
import type { AdapterContext, ControlPlaneEndpoints, RegistryAdapter } from "./registry-adapter";
import { UPLOAD_PROFILES } from "./upload-profiles";

export interface OpenRegistryOptions {
  /** Control-plane endpoints; by default read from the environment (see endpointsFromEnv). */
  endpoints?: ControlPlaneEndpoints;
  /** Address checks of the registry host; loopback follows GANTRY_ALLOW_LOOPBACK_REGISTRIES. */
  guard?: GuardOptions;
  /** Clock for token lifetimes (tests move it). */
  now?: () => number;
  /** Where short-lived tokens are kept; one shared cache per process by default. */
  tokenCache?: TokenCache;
}

/**
 * Turns a stored connection into an endpoint, an Authenticator for lib/oci and the
 * provider's repository API, after checking that the registry host resolves to an address
 * Gantry may connect to. Call it each time a connection is used: the check must be fresh.
 */
export async function openRegistry(
  connection: RegistryConnection,
  options: OpenRegistryOptions = {},
): Promise<RegistryAdapter> {
  const adapter = createRegistryAdapter(connection, options);
  try {
    await resolveAllowedAddresses(
      parseEndpoint(adapter.apiHost, { insecure: adapter.insecure }).hostname,
      options.guard,
    );
  } catch (error) {
    await adapter.close();
    throw error;
  }
  return adapter;
}

/** The adapter alone, without touching the network (the connection check resolves the host as a step of its own). */
export function createRegistryAdapter(
  connection: RegistryConnection,
  options: OpenRegistryOptions = {},
): RegistryAdapter {
  const context: AdapterContext = {
    endpoints: options.endpoints ?? endpointsFromEnv(),
    tokenCache: options.tokenCache ?? sharedTokenCache,
    now: options.now ?? Date.now,
  };
  switch (connection.provider) {
    case "ecr":
      return openEcr(connection, context);
    case "artifact_registry":
      return openArtifactRegistry(connection, context);
    case "gcr":
      return openGcr(connection, context);
    case "acr":
    case "dockerhub":
    case "quay":
    case "ghcr":
    case "generic":
      return openStaticCredentials(connection);
  }
}

/**
 * Control-plane overrides for local stand-ins. Unset means the real service; they are
 * operator settings, never user input, so they are not address-checked.
 */
export function endpointsFromEnv(env: Record<string, string | undefined> = process.env): ControlPlaneEndpoints {
  return {
    ecr: urlOrUndefined(env, "GANTRY_AWS_ENDPOINT_URL_ECR"),
    sts: urlOrUndefined(env, "GANTRY_AWS_ENDPOINT_URL_STS"),
    googleToken: urlOrUndefined(env, "GANTRY_GOOGLE_OAUTH_TOKEN_URL"),
    artifactRegistry: urlOrUndefined(env, "GANTRY_GOOGLE_ARTIFACT_REGISTRY_URL"),
  };
}

/** RegistryClient options for an adapter, so copies and connection checks build clients alike. */
export function registryClientOptions(
  adapter: RegistryAdapter,
  options: Omit<RegistryClientOptions, "registry" | "auth" | "insecure" | "caPem" | "upload"> = {},
): RegistryClientOptions {
  return {
    addressPolicy: registryAddressPolicy(),
    ...options,
    registry: adapter.registry,
    auth: adapter.authenticator,
    insecure: adapter.insecure,
    upload: UPLOAD_PROFILES[adapter.provider],
    ...(adapter.caPem ? { caPem: adapter.caPem } : {}),
  };
}

function urlOrUndefined(env: Record<string, string | undefined>, name: string): string | undefined {
  const value = env[name]?.trim();
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConnectionSettingsError(`${name} must be an http(s) URL, got ${JSON.stringify(value.slice(0, 100))}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new ConnectionSettingsError(`${name} must be an http(s) URL`);
  return value.replace(/\/+$/, "");
}
