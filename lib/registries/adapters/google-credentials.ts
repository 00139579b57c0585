import "server-only";
import { createHash } from "node:crypto";
import type { JWT } from "google-auth-library";
import type { Authenticator } from "@/lib/oci/auth/authenticator";
import { isAbortError } from "@/lib/oci/errors";
import { oneLine, redact } from "@/lib/oci/redact";
import type { RegistryConnection } from "../connection";
import { ConnectionSettingsError, ProviderApiError } from "../errors";
import { ExpiringToken } from "../expiring-token";
import type { AdapterContext } from "../registry-adapter";
import { checkServiceAccountKey, type ServiceAccountKey } from "../service-account-key";

/** Where google-auth-library posts a service account's signed JWT; it ignores the key's token_uri. */
export const GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token";
const CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform";
/** Google access tokens live an hour; google-auth-library itself renews 5 minutes early. */
export const GOOGLE_REFRESH_BEFORE_MS = 5 * 60_000;

export interface GoogleCredentials {
  key: ServiceAccountKey;
  /** Basic `oauth2accesstoken:<access token>`, as Google's registries expect it. */
  authenticator: Authenticator;
  /** A google-auth-library client for Google's APIs (Artifact Registry). */
  authClient(): Promise<JWT>;
  tokenExpiresAt(): Date | null;
  label: string;
  secrets: string[];
}

export function googleCredentials(connection: RegistryConnection, context: AdapterContext): GoogleCredentials {
  const key = serviceAccountKeyOf(connection);
  const label = `service account ${key.client_email}`;
  const secrets = [connection.secret!, key.private_key];
  const fingerprint = `google:${createHash("sha256")
    .update(JSON.stringify([connection.secret, context.endpoints.googleToken]))
    .digest("hex")}`;
  const token = context.tokenCache.getOrCreate(
    fingerprint,
    () =>
      new ExpiringToken<string>({
        refreshBeforeMs: GOOGLE_REFRESH_BEFORE_MS,
        now: context.now,
        // A new client per token, so the renewal schedule is ours rather than the library's.
        fetch: async () => {
          const jwt = await createJwt(key, context.endpoints.googleToken);
          try {
            const tokens = await jwt.authorize();
            if (!tokens.access_token || !tokens.expiry_date)
              throw new Error("the token endpoint answered without an access token");
            return { value: tokens.access_token, expiresAt: tokens.expiry_date };
          } catch (error) {
            throw toGoogleError(error, { service: "Google OAuth", action: "get an access token", who: label, secrets });
          }
        },
      }),
  );
  return {
    key,
    authenticator: {
      credentials: async ({ signal }) => ({
        kind: "basic",
        username: "oauth2accesstoken",
        password: await token.get(signal),
      }),
    },
    authClient: () => createJwt(key, context.endpoints.googleToken),
    tokenExpiresAt: () => token.expiresAt(),
    label,
    secrets,
  };
}

function serviceAccountKeyOf(connection: RegistryConnection): ServiceAccountKey {
  if (!connection.secret)
    throw new ConnectionSettingsError(`the ${connection.provider} connection holds no service account key`);
  const checked = checkServiceAccountKey(connection.secret);
  if (!checked.ok)
    throw new ConnectionSettingsError(`the stored service account key is not usable: ${checked.problem}`);
  return checked.key;
}

async function createJwt(key: ServiceAccountKey, tokenUrl: string | undefined): Promise<JWT> {
  const { JWT } = await import("google-auth-library");
  const jwt = new JWT({
    email: key.client_email,
    key: key.private_key,
    keyId: key.private_key_id,
    scopes: [CLOUD_PLATFORM],
  });
  if (tokenUrl) {
    // The library has no option for its token endpoint; a stand-in is reached by rewriting the request.
    jwt.transporter.interceptors.request.add({
      resolved: async (config) => {
        if (String(config.url) === GOOGLE_TOKEN_URL) config.url = new URL(tokenUrl);
        return config;
      },
    });
  }
  return jwt;
}

export interface GoogleCallContext {
  service: string;
  action: string;
  who: string;
  secrets: string[];
  /** What to do about a permission denied. */
  grant?: string;
}

/** GaxiosError / GoogleError → ProviderApiError with the status Google gave and what to do. */
export function toGoogleError(error: unknown, context: GoogleCallContext): unknown {
  if (isAbortError(error) || !(error instanceof Error) || error instanceof ProviderApiError) return error;
  const { status, reason, detail } = describeGoogleError(error, context.secrets);
  const base = { service: context.service, status, code: reason, cause: error };
  const said = `(${[status, reason].filter(Boolean).join(" ")}${detail ? `: ${detail}` : ""})`;
  if (status === undefined) {
    return new ProviderApiError(
      `${context.service}: could not ${context.action} ${said}; check this server's connection to Google`,
      { ...base, kind: "network", retryable: true },
    );
  }
  if (status === 401 || reason === "invalid_grant" || reason === "UNAUTHENTICATED") {
    return new ProviderApiError(
      `${context.service} refused ${context.who} ${said}; the key may have been deleted or disabled: create a new key for the service account`,
      { ...base, kind: "auth" },
    );
  }
  if (status === 403) {
    return new ProviderApiError(
      `${context.service}: ${context.who} may not ${context.action} ${said}${context.grant ? `; ${context.grant}` : ""}`,
      { ...base, kind: "denied" },
    );
  }
  if (status === 404)
    return new ProviderApiError(`${context.service}: could not ${context.action}: not found ${said}`, {
      ...base,
      kind: "not_found",
    });
  const retryable = status === 429 || status >= 500;
  return new ProviderApiError(`${context.service}: could not ${context.action} ${said}`, {
    ...base,
    kind: retryable ? "network" : "invalid",
    retryable,
  });
}

export function googleStatusOf(error: unknown): string | undefined {
  return error instanceof Error ? describeGoogleError(error, []).reason : undefined;
}

function describeGoogleError(error: Error, secrets: string[]): { status?: number; reason?: string; detail: string } {
  const e = error as Error & { status?: unknown; code?: unknown; response?: { status?: unknown; data?: unknown } };
  const status = [e.status, e.response?.status, e.code].find(
    (v): v is number => typeof v === "number" && v >= 100 && v < 600,
  );
  let reason: string | undefined;
  let message = error.message;
  const body = parseJson(e.response?.data) ?? parseJson(error.message);
  if (body && typeof body === "object") {
    const b = body as { error?: unknown; error_description?: unknown };
    if (typeof b.error === "string") {
      reason = b.error;
      if (typeof b.error_description === "string") message = b.error_description;
    } else if (b.error && typeof b.error === "object") {
      const inner = b.error as { status?: unknown; message?: unknown };
      if (typeof inner.status === "string") reason = inner.status;
      if (typeof inner.message === "string") message = inner.message;
    }
  } else if (/^invalid_grant\b/.test(error.message)) {
    reason = "invalid_grant";
  }
  return { status, reason, detail: oneLine(redact(message, secrets), 240) };
}

function parseJson(value: unknown): unknown {
  if (typeof value === "object" && value !== null && !(Symbol.asyncIterator in value)) return value;
  if (typeof value !== "string") return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}
