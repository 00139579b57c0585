import type { Readable } from "node:stream";
import { anonymous, secretsOf, type Authenticator, type Credentials } from "./auth/authenticator";
import { normalizeScopes, parseChallenges, pickChallenge, type Challenge } from "./auth/challenge";
import { fetchToken } from "./auth/fetch-token";
import { TokenCache } from "./auth/token-cache";
import { AuthError, NetworkError, OciError, type Side } from "./errors";
import { Header } from "./media-types";
import { redact } from "./redact";
import { apiHostOf } from "./reference";
import { RegistryError } from "./registry-error";
import { hostRefusal, type AddressPolicy } from "./transport/address-policy";
import {
  createAgent,
  DEFAULT_TIMEOUTS,
  exchange,
  type Agent,
  type HttpResponse,
  type Timeouts,
} from "./transport/http-agent";
import { DEFAULT_RETRY, parseRateLimitReset, parseRetryAfter, withRetry, type RetryPolicy } from "./transport/retry";
import type { Throttle } from "./transport/throttle";
import { UploadStrategy, type UploadProfile } from "./upload-strategy";

export interface RegistryClientOptions {
  /** `host[:port]` as written in references (`docker.io` reaches registry-1.docker.io). */
  registry: string;
  auth?: Authenticator;
  /** Names the registry in error messages and failure results. */
  side?: Side;
  /** Speak plain HTTP. Only for a registry an operator explicitly marked insecure. */
  insecure?: boolean;
  /** PEM of a CA to trust for this registry, on top of the system's. */
  caPem?: string;
  /** Keep-alive connections per host (default 16). */
  connections?: number;
  timeouts?: Partial<Timeouts>;
  retry?: Partial<RetryPolicy>;
  userAgent?: string;
  /** What the provider is known to accept for uploads (default: learned from the registry's answers). */
  upload?: UploadProfile;
  /**
   * Which addresses the client may connect to — the registry, every redirect and the token
   * realm alike — judged at connect time. The default (loopback allowed) suits a command run
   * on an operator's machine; a server passes its own.
   */
  addressPolicy?: AddressPolicy;
  /** Paces streamed request bodies (blob uploads) through this budget, which other clients may share. */
  throttle?: Throttle;
}

export type HttpMethod = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface RegistryRequest {
  method: HttpMethod;
  /** A path from the registry root (`/v2/…`), or an absolute URL the registry handed out. */
  url: string;
  /** Token scopes the request needs, e.g. `repository:team/api:pull,push`. */
  scopes: readonly string[];
  /** Statuses that count as success; anything else throws a RegistryError. */
  ok: readonly number[];
  headers?: Record<string, string>;
  /** A stream is sent once: the request is then neither retried nor replayed after a 401. */
  body?: Buffer | Readable;
  signal?: AbortSignal;
  /** Writes to the target: a 5xx then means "could not store". */
  write?: boolean;
  headersTimeoutMs?: number;
  /** Retry here (default: when the body can be sent again); off when an outer loop retries. */
  retry?: boolean;
}

const MAX_REDIRECTS = 5;
// A registry token handed over by a provider is asked for again after this long.
const PROVIDED_TOKEN_SECONDS = 60;
const MAX_ERROR_BODY = 64 * 1024;

/**
 * The wire to one registry (go-containerregistry: pkg/v1/remote/transport): a keep-alive
 * pool, the auth challenge found by pinging /v2/, registry tokens cached per scope, one
 * re-auth on a 401, retries with backoff, and redirects that never carry credentials to
 * another host.
 */
export class RegistryClient {
  readonly registry: string;
  readonly side?: Side;
  readonly insecure: boolean;
  private readonly origin: string;
  private readonly auth: Authenticator;
  private readonly retryPolicy: RetryPolicy;
  readonly timeouts: Timeouts;
  private readonly userAgent: string;
  private readonly tokens = new TokenCache();
  private readonly secrets = new Set<string>();
  private readonly agent: Promise<Agent>;
  private readonly addressPolicy: AddressPolicy;
  private readonly throttle?: Throttle;
  private challenge?: Promise<Challenge | undefined>;
  private anonymousCredentials = false;
  /** How this registry takes uploads: its provider's profile, refined by its answers (a 413, a refused chunk). */
  readonly uploads: UploadStrategy;

  constructor(options: RegistryClientOptions) {
    this.registry = options.registry;
    this.side = options.side;
    this.insecure = options.insecure ?? false;
    this.origin = `${this.insecure ? "http" : "https"}://${apiHostOf(options.registry)}`;
    this.auth = options.auth ?? anonymous;
    this.retryPolicy = { ...DEFAULT_RETRY, ...options.retry };
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.userAgent = options.userAgent ?? "gantry";
    this.uploads = new UploadStrategy(options.upload);
    this.addressPolicy = options.addressPolicy ?? { allowLoopback: true };
    this.throttle = options.throttle;
    this.agent = createAgent({
      caPem: options.caPem,
      connections: options.connections ?? 16,
      timeouts: this.timeouts,
      addressPolicy: this.addressPolicy,
    });
    this.agent.catch(() => undefined);
  }

  get retry(): RetryPolicy {
    return this.retryPolicy;
  }

  /** Sends one registry request, authenticated for `scopes`, retried when that can help. */
  async request(request: RegistryRequest): Promise<HttpResponse> {
    const replayable = request.body === undefined || Buffer.isBuffer(request.body);
    try {
      if (!replayable || request.retry === false) return await this.attempt(request, replayable);
      return await withRetry(() => this.attempt(request, true), { policy: this.retryPolicy, signal: request.signal });
    } catch (error) {
      throw this.scrub(error);
    }
  }

  /**
   * Learns how the registry authenticates (GET /v2/) now, on a connection the next requests
   * reuse, so the first real request does not wait a round trip or two for it. A failure is
   * not kept: the first request that needs the answer asks again and reports it.
   */
  async prepare(signal?: AbortSignal): Promise<void> {
    await this.discover(signal).catch(() => undefined);
  }

  /** Removes every secret this client has handled from an error's message. */
  scrub<E>(error: E): E {
    if (error instanceof Error) error.message = redact(error.message, [...this.secrets]);
    return error;
  }

  /** Closes the keep-alive connections. */
  async close(): Promise<void> {
    await (await this.agent.catch(() => undefined))?.close();
  }

  private async attempt(request: RegistryRequest, replayable: boolean): Promise<HttpResponse> {
    let scopes = request.scopes;
    for (let reauthenticated = false; ; reauthenticated = true) {
      const { authorization, anonymous: anon } = await this.authorization(scopes, request.signal);
      const response = await this.send(request, authorization);
      if (response.status === 401 && !reauthenticated && response.url.origin === this.origin) {
        const challenge = pickChallenge(parseChallenges(headerOf(response, Header.wwwAuthenticate)));
        await response.body.dump().catch(() => undefined);
        if (authorization?.startsWith("Bearer ")) this.tokens.invalidate(authorization.slice(7));
        if (challenge) this.challenge = Promise.resolve(challenge);
        // insufficient_scope names the scope the registry wants: ask for it too.
        if (challenge?.params.scope) scopes = normalizeScopes([...scopes, ...challenge.params.scope.split(" ")]);
        if (replayable && (challenge || authorization)) continue;
        if (!replayable) throw this.errorOf(request, response, "", { retryable: true, anonymous: anon });
      }
      if (request.ok.includes(response.status)) return response;
      throw this.errorOf(request, response, await this.errorBodyOf(response), { anonymous: anon });
    }
  }

  private async send(request: RegistryRequest, authorization: string | undefined): Promise<HttpResponse> {
    let url = this.resolve(request.url);
    const follow = request.method === "GET" || request.method === "HEAD";
    for (let hop = 0; ; hop++) {
      const sameOrigin = url.origin === this.origin;
      const headers: Record<string, string> = { "user-agent": this.userAgent, ...request.headers };
      // Credentials go to the host they were given for, never to blob storage elsewhere.
      if (authorization && sameOrigin) headers.authorization = authorization;
      const agent = await this.agent;
      const body = hop === 0 ? this.paced(request.body) : undefined;
      const response = await exchange(
        agent,
        {
          method: request.method,
          url,
          headers,
          body,
          signal: request.signal,
          headersTimeoutMs: request.headersTimeoutMs,
        },
        this.side,
      );
      const location = headerOf(response, Header.location);
      if (!follow || !location || response.status < 300 || response.status > 399 || response.status === 304)
        return response;
      await response.body.dump().catch(() => undefined);
      if (hop >= MAX_REDIRECTS) throw this.networkError(`more than ${MAX_REDIRECTS} redirects from ${url.host}`);
      url = this.checkUrl(new URL(location, url));
    }
  }

  private paced(body: RegistryRequest["body"]): RegistryRequest["body"] {
    return this.throttle && body && !Buffer.isBuffer(body) ? this.throttle.pace(body) : body;
  }

  /** Only the registry's own answers are quoted: a redirect target's body could be an internal service's. */
  private async errorBodyOf(response: HttpResponse): Promise<string> {
    if (response.url.origin === this.origin) return readLimited(response);
    await response.body.dump().catch(() => undefined);
    return "";
  }

  private resolve(target: string): URL {
    return this.checkUrl(new URL(target, this.origin));
  }

  private checkUrl(url: URL): URL {
    // Names are checked when they resolve (the agent's lookup), literals here and again at connect.
    const refused = hostRefusal(url.hostname, this.addressPolicy);
    if (refused) throw this.networkError(`refusing ${url.host}: ${refused}`);
    if (url.protocol === "https:" || (url.protocol === "http:" && this.insecure)) return url;
    throw this.networkError(
      `refusing ${url.protocol}//${url.host}: plain HTTP is only spoken to a registry marked insecure`,
    );
  }

  private networkError(message: string): NetworkError {
    return new NetworkError(`${this.side ?? "registry"} ${this.registry}: ${message}`, {
      side: this.side,
      retryable: false,
    });
  }

  private async authorization(scopes: readonly string[], signal?: AbortSignal) {
    const challenge = await this.discover(signal);
    if (!challenge) return { authorization: undefined, anonymous: false };
    if (challenge.scheme === "basic") {
      const credentials = await this.credentials(signal);
      if (credentials.kind === "anonymous") return { authorization: undefined, anonymous: true };
      if (credentials.kind === "bearer") return { authorization: `Bearer ${credentials.token}`, anonymous: false };
      if (credentials.kind !== "basic")
        throw new AuthError(`${this.who()} asks for Basic credentials, and a token was given`, { side: this.side });
      const encoded = Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64");
      return { authorization: `Basic ${encoded}`, anonymous: false };
    }
    // The Authenticator is asked only when a token must be fetched, not on every request.
    const token = await this.tokens.getOrFetch(scopes, async () => {
      const credentials = await this.credentials(signal);
      if (credentials.kind === "bearer") {
        this.tokens.store(scopes, credentials.token, PROVIDED_TOKEN_SECONDS);
        return credentials.token;
      }
      const agent = await this.agent;
      const issued = await fetchToken({
        challenge,
        scopes: [...scopes],
        credentials,
        send: (exchangeRequest) => exchange(agent, exchangeRequest, this.side),
        allowHttpRealm: this.insecure,
        // Credentials go to a realm only if the address policy lets it be reached.
        admitRealm: (realm) => {
          const refused = hostRefusal(realm.hostname, this.addressPolicy);
          if (refused) throw this.networkError(`refusing the token service ${realm.host}: ${refused}`);
        },
        registry: this.registry,
        side: this.side,
        signal,
      });
      this.secrets.add(issued.token);
      this.tokens.store(scopes, issued.token, issued.expiresInSeconds, issued.issuedAt);
      return issued.token;
    });
    return { authorization: `Bearer ${token}`, anonymous: this.anonymousCredentials };
  }

  private async credentials(signal?: AbortSignal): Promise<Credentials> {
    let credentials: Credentials;
    try {
      credentials = await this.auth.credentials({ registry: this.registry, signal });
    } catch (error) {
      if (error instanceof OciError) throw error;
      const why = error instanceof Error ? error.message : String(error);
      throw new AuthError(`${this.who()}: could not get credentials: ${redact(why)}`, {
        side: this.side,
        cause: error,
      });
    }
    secretsOf(credentials).forEach((secret) => this.secrets.add(secret));
    this.anonymousCredentials = credentials.kind === "anonymous";
    return credentials;
  }

  /** GET /v2/ once per client to learn how the registry wants to be authenticated. */
  private discover(signal?: AbortSignal): Promise<Challenge | undefined> {
    this.challenge ??= withRetry(() => this.ping(signal), { policy: this.retryPolicy, signal });
    this.challenge.catch(() => {
      this.challenge = undefined;
    });
    return this.challenge;
  }

  private async ping(signal?: AbortSignal): Promise<Challenge | undefined> {
    const request: RegistryRequest = { method: "GET", url: "/v2/", scopes: [], ok: [200, 401], signal };
    const response = await this.send(request, undefined);
    if (response.status === 200 || response.status === 401) {
      await response.body.dump().catch(() => undefined);
      return response.status === 401
        ? pickChallenge(parseChallenges(headerOf(response, Header.wwwAuthenticate)))
        : undefined;
    }
    const body = await readLimited(response);
    if (response.status === 400 && /HTTP request to an HTTPS server/i.test(body)) {
      throw this.networkError("it speaks HTTPS, not plain HTTP: do not mark it insecure");
    }
    throw this.errorOf(request, response, body, {});
  }

  private errorOf(
    request: RegistryRequest,
    response: HttpResponse,
    body: string,
    extra: { retryable?: boolean; anonymous?: boolean },
  ): RegistryError {
    return new RegistryError({
      status: response.status,
      method: request.method,
      where: response.url.pathname,
      side: this.side,
      registry: this.registry,
      body,
      write: request.write,
      retryAfterMs:
        parseRetryAfter(headerOf(response, Header.retryAfter)) ??
        parseRateLimitReset(headerOf(response, "ratelimit-reset")),
      ...extra,
    });
  }

  private who(): string {
    return `${this.side ?? "registry"} ${this.registry}`;
  }
}

export function headerOf(response: HttpResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readLimited(response: HttpResponse): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= MAX_ERROR_BODY) break;
    }
  } catch {
    // An error body that breaks off still explains the status we have.
  } finally {
    response.body.destroy();
  }
  return Buffer.concat(chunks).toString("utf8").slice(0, MAX_ERROR_BODY);
}
