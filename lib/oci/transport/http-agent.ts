import { createRequire } from "node:module";
import { rootCertificates } from "node:tls";
import type { Readable } from "node:stream";
import type * as Undici from "undici";
import { NetworkError, type Side } from "../errors";
import { describeUrl } from "../redact";
import {
  FORBIDDEN_CODE,
  forbiddenAddressError,
  guardedLookup,
  hostRefusal,
  type AddressPolicy,
} from "./address-policy";

export interface Timeouts {
  /** TCP + TLS handshake. */
  connectMs: number;
  /** From the last byte sent to the response head; also how long an upload may sit idle. */
  headersMs: number;
  /** Longest silence inside a response body. */
  bodyIdleMs: number;
  /**
   * A blob that moves slower than `lowSpeedBytesPerSecond` on average over this window is cut
   * and tried again: a source trickling bytes never goes silent, so `bodyIdleMs` alone would
   * let it hold a copy (and its worker) for hours.
   */
  lowSpeedWindowMs: number;
  lowSpeedBytesPerSecond: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = {
  connectMs: 30_000,
  headersMs: 120_000,
  bodyIdleMs: 60_000,
  lowSpeedWindowMs: 60_000,
  lowSpeedBytesPerSecond: 1024,
};

export interface AgentOptions {
  /** PEM of a CA to trust on top of the system's (a self-hosted registry). */
  caPem?: string;
  /** Keep-alive connections per host. */
  connections: number;
  timeouts: Timeouts;
  /** Which addresses this agent may connect to (the redirects and token realms it follows too). */
  addressPolicy?: AddressPolicy;
}

export interface HttpExchange {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: Buffer | Readable;
  signal?: AbortSignal;
  headersTimeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable & { text(): Promise<string>; dump(): Promise<void> };
  url: URL;
}

export type Agent = Undici.Dispatcher;

interface Undici {
  Agent: typeof Undici.Agent;
  buildConnector: typeof Undici.buildConnector;
}
let undici: Promise<Undici> | undefined;

/** One undici Agent per registry client: it keeps a keep-alive pool per origin it talks to. */
export async function createAgent(options: AgentOptions): Promise<Agent> {
  const { Agent, buildConnector } = await (undici ??= loadUndici());
  const policy = options.addressPolicy ?? {};
  const connector = buildConnector({
    timeout: options.timeouts.connectMs,
    lookup: guardedLookup(policy),
    // `ca` replaces Node's roots, so keep them: redirects may go to public blob storage.
    ...(options.caPem ? { ca: [...rootCertificates, options.caPem] } : {}),
  });
  return new Agent({
    connections: options.connections,
    keepAliveTimeout: 30_000,
    headersTimeout: options.timeouts.headersMs,
    bodyTimeout: options.timeouts.bodyIdleMs,
    // Sockets skip the lookup for IP literals: those are judged here, before any byte is sent.
    connect: (connectOptions, callback) => {
      const refused = hostRefusal(connectOptions.hostname, policy);
      if (refused) return callback(forbiddenAddressError(`${refused}: refusing to connect`), null);
      return connector(connectOptions, callback);
    },
  });
}

/**
 * undici's index loads fetch, websockets, caches and mocks: ~120 ms and 9 MB a short CLI run
 * pays for nothing. Its Agent and request API alone load in ~30 ms. Loaded on first use, so
 * commands that never reach a registry do not pay at all; the full import is the fallback
 * should a future undici move these files (transport tests cover the narrow path).
 */
async function loadUndici(): Promise<Undici> {
  try {
    const require = createRequire(import.meta.url);
    const Agent = require("undici/lib/dispatcher/agent") as typeof Undici.Agent;
    const buildConnector = require("undici/lib/core/connect") as typeof Undici.buildConnector;
    const Dispatcher = require("undici/lib/dispatcher/dispatcher") as { prototype: object };
    // What undici's index does to give every dispatcher `.request()`.
    Object.assign(Dispatcher.prototype, require("undici/lib/api") as object);
    if (
      typeof (Agent.prototype as { request?: unknown }).request === "function" &&
      typeof buildConnector === "function"
    )
      return { Agent, buildConnector };
  } catch {
    // fall through to the public entry point
  }
  const { Agent, buildConnector } = await import("undici");
  return { Agent, buildConnector };
}

/** One request and its response head; connection failures become NetworkError. */
export async function exchange(agent: Agent, request: HttpExchange, side?: Side): Promise<HttpResponse> {
  try {
    const response = await agent.request({
      origin: request.url.origin,
      path: `${request.url.pathname}${request.url.search}`,
      method: request.method as Undici.Dispatcher.HttpMethod,
      headers: request.headers,
      body: request.body ?? null,
      signal: request.signal ?? null,
      // undici closes the connection after every HEAD (for servers that send a body anyway);
      // registries answer HEAD as HTTP says, and existence checks are most of a copy's requests.
      ...(request.method === "HEAD" ? { reset: false } : {}),
      ...(request.headersTimeoutMs === undefined ? {} : { headersTimeout: request.headersTimeoutMs }),
    });
    return { status: response.statusCode, headers: response.headers, body: response.body, url: request.url };
  } catch (error) {
    throw toNetworkError(error, request, side);
  }
}

const TLS_TRUST = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|DEPTH_ZERO|UNABLE_TO_GET_ISSUER/;

/** Wraps connection-level failures; abort errors and our own OciErrors pass through. */
export function toNetworkError(
  error: unknown,
  request: { method: string; url: URL; signal?: AbortSignal },
  side?: Side,
): unknown {
  if (request.signal?.aborted || !(error instanceof Error) || error.name === "AbortError") return error;
  if ((error as { kind?: string }).kind !== undefined) return error;
  const code = String((error as { code?: string }).code ?? error.name);
  const where = `${request.method} ${describeUrl(request.url)}`;
  const who = side ? `${side} registry` : "registry";
  if (code === FORBIDDEN_CODE) {
    return new NetworkError(`${who}: refusing ${request.url.host}: ${error.message}`, {
      side,
      retryable: false,
      code,
      cause: error,
    });
  }
  if (TLS_TRUST.test(code)) {
    return new NetworkError(
      `TLS: the certificate of ${request.url.host} is not trusted (${code}) on ${where}; give the ${who}'s CA certificate`,
      { side, retryable: false, code, cause: error },
    );
  }
  if (code === "ERR_SSL_WRONG_VERSION_NUMBER" || code === "ERR_SSL_PACKET_LENGTH_TOO_LONG") {
    return new NetworkError(
      `${who} ${request.url.host} does not speak HTTPS on ${where}; if it is a plain-HTTP registry, mark it insecure`,
      {
        side,
        retryable: false,
        code,
        cause: error,
      },
    );
  }
  const reason = NETWORK_REASONS[code] ?? code;
  return new NetworkError(`${who} ${request.url.host}: ${reason} on ${where}`, { side, code, cause: error });
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: "connection refused (is the host and port right, and the registry running?)",
  ECONNRESET: "connection reset",
  ENOTFOUND: "host name not found",
  EAI_AGAIN: "host name lookup failed",
  ETIMEDOUT: "connection timed out",
  EPIPE: "connection closed while sending",
  UND_ERR_CONNECT_TIMEOUT: "connection timed out",
  UND_ERR_HEADERS_TIMEOUT: "no answer in time",
  UND_ERR_BODY_TIMEOUT: "the response stalled",
  UND_ERR_SOCKET: "connection closed unexpectedly",
  UND_ERR_CLOSED: "connection closed",
  UND_ERR_REQ_CONTENT_LENGTH_MISMATCH: "request body length did not match its Content-Length",
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: "response body length did not match its Content-Length",
};
