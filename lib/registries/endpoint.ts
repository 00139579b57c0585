import { ConnectionSettingsError } from "./errors";

/** Where a registry's V2 API is reached. */
export interface Endpoint {
  /** `host[:port]` as written (IPv6 in brackets). */
  host: string;
  /** The name or address to resolve: no brackets, no port. */
  hostname: string;
  port: number;
}

// distribution/reference's domain grammar: dotted DNS labels or a bracketed IPv6 address.
const LABEL = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
export const HOST_PORT = new RegExp(`^(?:${LABEL}(?:\\.${LABEL})*|\\[[a-fA-F0-9:.]+\\])(?::[0-9]{1,5})?$`);

export function isHostPort(value: string): boolean {
  if (!HOST_PORT.test(value)) return false;
  const port = /:(\d+)$/.exec(value.startsWith("[") ? value.slice(value.indexOf("]")) : value)?.[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return false;
  const bracketed = /^\[([^\]]+)\]/.exec(value)?.[1];
  return bracketed === undefined || isIPv6(bracketed);
}

/** The WHATWG URL parser checks IPv6 literals alike in Node and in browsers, where the connection form validates. */
function isIPv6(address: string): boolean {
  return URL.canParse(`http://[${address}]/`);
}

/** Splits `host[:port]`; the port defaults to 443, or 80 for a registry marked insecure. */
export function parseEndpoint(host: string, options: { insecure: boolean }): Endpoint {
  if (!isHostPort(host))
    throw new ConnectionSettingsError(`endpoint: expected host[:port], got ${JSON.stringify(host.slice(0, 100))}`);
  const url = new URL(`${options.insecure ? "http" : "https"}://${host}/`);
  const hostname = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  return { host, hostname, port: url.port ? Number(url.port) : options.insecure ? 80 : 443 };
}
