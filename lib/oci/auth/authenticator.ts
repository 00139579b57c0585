/**
 * Credentials as lib/oci consumes them (go-containerregistry: pkg/authn). Provider adapters
 * (lib/registries: ECR, Artifact Registry, ...) implement Authenticator and hand over
 * short-lived secrets only; lib/oci never stores them.
 */
export type Credentials =
  | { kind: "anonymous" }
  | { kind: "basic"; username: string; password: string }
  /** A registry token used as is (no token exchange), e.g. a pre-issued Bearer token. */
  | { kind: "bearer"; token: string }
  /** An OAuth2 refresh token (docker's `identitytoken`), exchanged at the token realm. */
  | { kind: "identity-token"; token: string };

export interface AuthContext {
  /** `host[:port]` of the registry the credentials are for. */
  registry: string;
  signal?: AbortSignal;
}

/**
 * Supplies credentials each time lib/oci must build a Basic header or fetch a registry
 * token, so a provider can return a fresh one (ECR's 12-hour password, a GCP access token
 * as Basic `oauth2accesstoken:<token>`) and cache it as it sees fit.
 */
export interface Authenticator {
  credentials(context: AuthContext): Promise<Credentials>;
}

/** Finds the Authenticator for a registry host (docker's config.json, a provider's store). */
export interface Keychain {
  resolve(registry: string, signal?: AbortSignal): Promise<Authenticator>;
}

export const anonymous: Authenticator = { credentials: async () => ({ kind: "anonymous" }) };

export function staticAuthenticator(credentials: Credentials): Authenticator {
  return { credentials: async () => credentials };
}

export function basicAuth(username: string, password: string): Authenticator {
  return staticAuthenticator({ kind: "basic", username, password });
}

/** The secret strings of `credentials`, for scrubbing messages. */
export function secretsOf(credentials: Credentials): string[] {
  switch (credentials.kind) {
    case "anonymous":
      return [];
    case "basic":
      return [credentials.password, Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")];
    case "bearer":
    case "identity-token":
      return [credentials.token];
  }
}
