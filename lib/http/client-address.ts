import { BlockList, isIPv4, isIPv6 } from "node:net";

/**
 * The request header in which Gantry's own web server (`gantry start`) hands the client
 * address to the app. It deletes any copy a client sent before setting it, so readers can
 * believe it; without that server (`next dev`) it is absent and the address is unknown.
 */
export const clientAddressHeader = "x-gantry-client-address";

/** The proxies whose `X-Forwarded-For` is believed (`GANTRY_TRUSTED_PROXIES`). */
export interface TrustedProxies {
  /** `address` must already be normalised (see `normalizeAddress`). */
  contains(address: string): boolean;
}

/**
 * Parses `GANTRY_TRUSTED_PROXIES`: comma-separated CIDRs (`10.0.0.0/8`, `2001:db8::/32`) or
 * single addresses. Unset or empty trusts nobody. A bad entry throws an error naming the
 * variable and the entry, for start-up to print.
 */
export function parseTrustedProxies(value: string | undefined): TrustedProxies {
  const list = new BlockList();
  let empty = true;
  for (const entry of (value ?? "").split(",").map((e) => e.trim())) {
    if (!entry) continue;
    const cidr = parseCidr(entry);
    if (!cidr)
      throw new Error(
        `GANTRY_TRUSTED_PROXIES: "${entry}" is not a CIDR or an address (expected e.g. 10.0.0.0/8, 2001:db8::/32 or 192.0.2.10)`,
      );
    list.addSubnet(cidr.network, cidr.prefix, cidr.family);
    empty = false;
  }
  return { contains: (address) => !empty && list.check(address, isIPv4(address) ? "ipv4" : "ipv6") };
}

/**
 * The client's address: the socket's peer, unless the peer is a trusted proxy; then
 * `X-Forwarded-For` is walked from the right (the hop nearest to us first), skipping trusted
 * proxies, and the first address that is not one is the client. Entries further left were
 * written by whoever the untrusted hop was, so they are never read. When every hop is trusted
 * the leftmost is the client; when a trusted proxy forwarded something that is not an address,
 * that proxy is the furthest hop we can vouch for. Null when the peer is unknown.
 */
export function clientAddress(input: {
  peer: string | undefined;
  forwardedFor: string | string[] | undefined;
  trusted: TrustedProxies;
}): string | null {
  let address = normalizeAddress(input.peer ?? "");
  if (!address) return null;
  const hops = [input.forwardedFor ?? []]
    .flat()
    .flatMap((header) => header.split(","))
    .map((hop) => hop.trim())
    .filter(Boolean);
  for (const raw of hops.reverse()) {
    if (!input.trusted.contains(address)) break;
    const hop = normalizeAddress(raw);
    if (!hop) break;
    address = hop;
  }
  return address;
}

/**
 * One spelling per address, so the throttle counts one client once: IPv6 in its canonical
 * compressed form, IPv4-mapped IPv6 (`::ffff:1.2.3.4`, `::ffff:102:304`) as plain IPv4, a
 * zone (`%eth0`), brackets and a port (`[2001:db8::1]:443`, `192.0.2.1:8080`) dropped. Null for
 * anything that is not an IP address.
 */
export function normalizeAddress(raw: string): string | null {
  let text = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text)?.[1];
  if (bracketed) text = bracketed;
  else if (/^[\d.]+:\d+$/.test(text)) text = text.slice(0, text.lastIndexOf(":"));
  text = text.replace(/%.*$/, "");
  if (isIPv4(text)) return text;
  if (!isIPv6(text)) return null;
  const canonical = new URL(`http://[${text}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (!mapped) return canonical;
  const high = parseInt(mapped[1] ?? "", 16);
  const low = parseInt(mapped[2] ?? "", 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join(".");
}

function parseCidr(entry: string): { network: string; prefix: number; family: "ipv4" | "ipv6" } | null {
  const [address = "", prefixText, ...rest] = entry.split("/");
  if (rest.length > 0 || (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText))) return null;
  if (!isIPv4(address) && !isIPv6(address)) return null;
  const network = normalizeAddress(address);
  if (!network) return null;
  const family = isIPv4(network) ? "ipv4" : "ipv6";
  const bits = family === "ipv4" ? 32 : 128;
  let prefix = prefixText === undefined ? bits : Number(prefixText);
  // ::ffff:10.0.0.0/104 names IPv4 addresses, which normalisation turned plain: count from 32.
  if (family === "ipv4" && isIPv6(address)) prefix = prefixText === undefined ? 32 : prefix - 96;
  if (prefix < 0 || prefix > bits) return null;
  return { network, prefix, family };
}
