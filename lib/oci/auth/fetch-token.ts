import { AuthError, type Side } from "../errors";
import { oneLine, redact } from "../redact";
import { apiHostOf } from "../reference";
import type { HttpExchange, HttpResponse } from "../transport/http-agent";
import type { Credentials } from "./authenticator";
import { secretsOf } from "./authenticator";
import type { Challenge } from "./challenge";

export interface FetchTokenOptions {
  challenge: Challenge;
  scopes: string[];
  credentials: Credentials;
  send: (request: HttpExchange) => Promise<HttpResponse>;
  /** Plain-HTTP realms are allowed only for insecure registries and loopback token servers. */
  allowHttpRealm: boolean;
  /** Throws when the realm may not be reached; called before any credential is sent. */
  admitRealm?: (realm: URL) => void;
  registry: string;
  side?: Side;
  signal?: AbortSignal;
}

export interface IssuedToken {
  token: string;
  expiresInSeconds: number;
  issuedAt: number;
}

const CLIENT_ID = "gantry";
const DEFAULT_EXPIRES_IN = 60; // distribution's token spec, when the server names none

/**
 * docker's token flow (distribution docs/spec/auth/token.md): GET realm?service&scope with
 * Basic credentials, or the OAuth2 POST with a refresh token (docker's identitytoken).
 */
export async function fetchToken(options: FetchTokenOptions): Promise<IssuedToken> {
  const { challenge, credentials } = options;
  const who = `${options.side ?? "registry"} ${options.registry}`;
  const realm = parseRealm(challenge.params.realm, who, options);
  options.admitRealm?.(realm);
  const service = challenge.params.service;
  const headers: Record<string, string> = { accept: "application/json", "user-agent": "gantry" };
  let request: HttpExchange;
  if (credentials.kind === "identity-token") {
    const form = new URLSearchParams({
      grant_type: "refresh_token",
      refresh_token: credentials.token,
      client_id: CLIENT_ID,
    });
    if (service) form.set("service", service);
    if (options.scopes.length) form.set("scope", options.scopes.join(" "));
    headers["content-type"] = "application/x-www-form-urlencoded";
    request = { method: "POST", url: realm, headers, body: Buffer.from(form.toString()), signal: options.signal };
  } else {
    const url = new URL(realm);
    if (service) url.searchParams.set("service", service);
    for (const scope of options.scopes) url.searchParams.append("scope", scope);
    if (credentials.kind === "basic") {
      headers.authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`;
    }
    request = { method: "GET", url, headers, signal: options.signal };
  }

  // Our clock from before the request: a server's issued_at may be skewed.
  const issuedAt = Date.now();
  const response = await options.send(request);
  const text = await response.body.text();
  const secrets = secretsOf(credentials);
  // Error messages are shown to viewers: quote a token service's answer only when it is the registry itself.
  const quoted = realm.host === apiHostOf(options.registry) ? ` ${oneLine(redact(text, secrets), 160)}` : "";
  if (response.status === 401 || response.status === 403) {
    throw new AuthError(
      `${who}: the token service ${realm.host} refused the credentials (${response.status}${quoted}); check the ${options.side ?? "registry"} credentials`,
      { side: options.side },
    );
  }
  if (response.status !== 200) {
    throw new AuthError(`${who}: the token service ${realm.host} answered ${response.status}${quoted}`, {
      side: options.side,
      retryable: response.status >= 500 || response.status === 429,
      code: "TOKEN_SERVICE",
    });
  }
  let body: { token?: unknown; access_token?: unknown; expires_in?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new AuthError(`${who}: the token service ${realm.host} answered with something other than JSON`, {
      side: options.side,
    });
  }
  const token = typeof body.token === "string" && body.token ? body.token : body.access_token;
  if (typeof token !== "string" || !token) {
    throw new AuthError(`${who}: the token service ${realm.host} answered without a token`, { side: options.side });
  }
  const expiresInSeconds = typeof body.expires_in === "number" ? body.expires_in : DEFAULT_EXPIRES_IN;
  return { token, expiresInSeconds, issuedAt };
}

function parseRealm(realm: string | undefined, who: string, options: FetchTokenOptions): URL {
  let url: URL;
  try {
    url = new URL(realm ?? "");
  } catch {
    throw new AuthError(`${who} asked for a Bearer token without a usable realm`, {
      side: options.side,
      code: "REALM_INVALID",
    });
  }
  if (url.protocol === "https:") return url;
  if (url.protocol === "http:" && (options.allowHttpRealm || isLoopback(url.hostname))) return url;
  throw new AuthError(
    `${who} sends credentials to the token service ${url.origin}, which is not HTTPS; mark the registry insecure to allow it`,
    { side: options.side, code: "REALM_INSECURE" },
  );
}

export function isLoopback(hostname: string): boolean {
  return (
    hostname === "localhost" || hostname === "[::1]" || hostname === "::1" || /^127\.\d+\.\d+\.\d+$/.test(hostname)
  );
}
