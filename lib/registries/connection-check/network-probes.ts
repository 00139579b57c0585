import "server-only";
import type { LookupAddress } from "node:dns";
import { connect as tcpConnect, isIP, type Socket } from "node:net";
import {
  checkServerIdentity,
  connect as tlsConnect,
  rootCertificates,
  type PeerCertificate,
  type TLSSocket,
} from "node:tls";
import type { Endpoint } from "../endpoint";
import { StepFailure, type StepOutcome } from "./step";

const UNTRUSTED = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_GET_ISSUER_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_UNTRUSTED",
  "CERT_SIGNATURE_FAILURE",
]);

/** Opens a TCP connection to the first address that accepts one. */
export async function probeTcp(
  endpoint: Endpoint,
  addresses: LookupAddress[],
  signal: AbortSignal,
): Promise<{ outcome: StepOutcome; address: string }> {
  let lastError: unknown;
  for (const { address } of addresses.slice(0, 4)) {
    const started = Date.now();
    try {
      const socket = await open(() => tcpConnect({ host: address, port: endpoint.port }), "connect", signal);
      socket.destroy();
      return {
        outcome: {
          status: "passed",
          message: `connected to ${hostPort(address, endpoint.port)} in ${Date.now() - started} ms`,
        },
        address,
      };
    } catch (error) {
      if (signal.aborted && !isTimeout(signal)) throw error;
      lastError = error;
    }
  }
  throw new StepFailure(tcpMessage(lastError, endpoint, addresses, signal));
}

/**
 * Handshakes without failing on a bad certificate, then judges the certificate itself, so
 * the message can say which authority signed it and which names it carries.
 */
export async function probeTls(
  endpoint: Endpoint,
  address: string,
  caPem: string | undefined,
  signal: AbortSignal,
): Promise<StepOutcome> {
  const servername = isIP(endpoint.hostname) ? undefined : endpoint.hostname;
  let socket: TLSSocket;
  try {
    socket = await open(
      () =>
        tlsConnect({
          host: address,
          port: endpoint.port,
          servername,
          rejectUnauthorized: false,
          ALPNProtocols: ["http/1.1"],
          ...(caPem ? { ca: [...rootCertificates, caPem] } : {}),
        }),
      "secureConnect",
      signal,
    );
  } catch (error) {
    throw new StepFailure(handshakeMessage(error, endpoint, signal));
  }
  try {
    const certificate = socket.getPeerCertificate();
    const issuer = nameOf(certificate.issuer) ?? "an unnamed authority";
    const code = socket.authorizationError
      ? String((socket.authorizationError as Error & { code?: string }).code ?? socket.authorizationError)
      : undefined;
    if (code && UNTRUSTED.has(code)) {
      throw new StepFailure(
        caPem
          ? `the server's certificate (issued by ${issuer}) is not signed by the CA certificate given with the connection (${code}): give the CA that signed it, or its whole chain`
          : `the server's certificate is signed by an authority this server doesn't trust (${issuer}, ${code}): add its CA certificate (PEM) to the connection`,
      );
    }
    if (code === "ERR_TLS_CERT_ALTNAME_INVALID" || checkServerIdentity(servername ?? endpoint.hostname, certificate)) {
      throw new StepFailure(
        `the certificate is for ${namesOf(certificate).join(", ") || "no name"}, not ${endpoint.hostname}: connect with a name the certificate lists, or reissue it for ${endpoint.hostname}`,
      );
    }
    if (code === "CERT_HAS_EXPIRED")
      throw new StepFailure(
        `the server's certificate expired on ${dateOf(certificate.valid_to)}: renew it on the registry`,
      );
    if (code === "CERT_NOT_YET_VALID")
      throw new StepFailure(
        `the server's certificate is valid only from ${dateOf(certificate.valid_from)}: check the clocks of both servers`,
      );
    if (code) throw new StepFailure(`the server's certificate was refused (${code}), issued by ${issuer}`);
    return {
      status: "passed",
      message: `${socket.getProtocol() ?? "TLS"} with a certificate for ${endpoint.hostname} issued by ${issuer}, valid until ${dateOf(certificate.valid_to)}`,
    };
  } finally {
    socket.destroy();
  }
}

function open<S extends Socket>(
  create: () => S,
  readyEvent: "connect" | "secureConnect",
  signal: AbortSignal,
): Promise<S> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const socket = create();
    const fail = (error: unknown) => {
      signal.removeEventListener("abort", onAbort);
      socket.destroy();
      reject(error);
    };
    const onAbort = () => fail(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    socket.once("error", fail);
    socket.once(readyEvent, () => {
      signal.removeEventListener("abort", onAbort);
      socket.off("error", fail);
      resolve(socket);
    });
  });
}

function tcpMessage(error: unknown, endpoint: Endpoint, addresses: LookupAddress[], signal: AbortSignal): string {
  const where =
    addresses.length === 1
      ? hostPort(addresses[0]!.address, endpoint.port)
      : `${endpoint.host} (${addresses.map((a) => a.address).join(", ")})`;
  if (isTimeout(signal))
    return `no answer from ${where} in time: a firewall may be dropping the connection, or the host is down`;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ECONNREFUSED":
      return `nothing accepts connections on ${where} (connection refused): check the port, and that the registry is running`;
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return `no route to ${where} (${code}): check the network between this server and the registry`;
    case "ETIMEDOUT":
      return `no answer from ${where} (${code}): a firewall may be dropping the connection, or the host is down`;
    default:
      return `could not connect to ${where} (${code ?? (error as Error)?.message ?? "unknown error"})`;
  }
}

function handshakeMessage(error: unknown, endpoint: Endpoint, signal: AbortSignal): string {
  if (isTimeout(signal))
    return `the TLS handshake with ${endpoint.host} did not finish in time: is this port serving TLS?`;
  const code = String((error as NodeJS.ErrnoException | undefined)?.code ?? "");
  const text = String((error as Error | undefined)?.message ?? "");
  if (/WRONG_VERSION_NUMBER|wrong version number|packet length too long|ECONNRESET|EPROTO/i.test(`${code} ${text}`)) {
    return `the server at ${endpoint.host} does not speak TLS: if the registry serves plain HTTP, mark the connection insecure`;
  }
  return `the TLS handshake with ${endpoint.host} failed (${code || text.slice(0, 120)})`;
}

function isTimeout(signal: AbortSignal): boolean {
  return signal.aborted && (signal.reason as Error | undefined)?.name === "TimeoutError";
}

function namesOf(certificate: PeerCertificate): string[] {
  const alt = (certificate.subjectaltname ?? "")
    .split(/,\s*/)
    .map((entry) => entry.replace(/^(DNS|IP Address):/, ""))
    .filter(Boolean);
  if (alt.length) return alt;
  const cn = nameOf(certificate.subject);
  return cn ? [cn] : [];
}

function nameOf(name: PeerCertificate["subject"] | undefined): string | undefined {
  const cn = name?.CN ?? name?.O;
  return Array.isArray(cn) ? cn[0] : cn;
}

function dateOf(value: string): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString().slice(0, 10);
}

function hostPort(address: string, port: number): string {
  return isIP(address) === 6 ? `[${address}]:${port}` : `${address}:${port}`;
}
