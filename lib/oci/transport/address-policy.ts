import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP, type LookupFunction } from "node:net";

/**
 * Which addresses a connection may reach. One policy for every connection the caller opens
 * (the registry, its redirects, its token realm, a webhook), applied at connect time to the
 * resolved address. Private ranges stay allowed: self-hosted registries live there.
 */
export interface AddressPolicy {
  /** Allow 127.0.0.0/8 and ::1 (a registry on the same machine). Refused by default. */
  allowLoopback?: boolean;
}

export const FORBIDDEN_CODE = "ERR_GANTRY_FORBIDDEN_ADDRESS";
export const LOOPBACK_REASON = "a loopback address";

const METADATA = blockList([
  ["169.254.169.254", 32, "ipv4"], // AWS, GCP, Azure, OpenStack instance metadata
  ["169.254.170.2", 32, "ipv4"], // AWS ECS task metadata and credentials
  ["fd00:ec2::254", 128, "ipv6"], // AWS instance metadata over IPv6
  ["100.100.100.200", 32, "ipv4"], // Alibaba Cloud metadata
  ["168.63.129.16", 32, "ipv4"], // Azure WireServer
]);
const LINK_LOCAL = blockList([
  ["169.254.0.0", 16, "ipv4"],
  ["fe80::", 10, "ipv6"],
]);
const UNSPECIFIED = blockList([
  ["0.0.0.0", 8, "ipv4"], // 0.0.0.0 connects to this machine on Linux
  ["::", 128, "ipv6"],
]);
const MULTICAST = blockList([
  ["224.0.0.0", 3, "ipv4"], // multicast, reserved and broadcast
  ["ff00::", 8, "ipv6"],
]);
const LOOPBACK = blockList([
  ["127.0.0.0", 8, "ipv4"],
  ["::1", 128, "ipv6"],
]);

/**
 * Why the policy refuses `address` (an IP, brackets and zone allowed), or undefined when it
 * may be reached. An IPv4 address written as IPv6 — IPv4-mapped (::ffff:0:0/96), IPv4-compatible
 * (::/96) or NAT64 (64:ff9b::/96) — is judged as the IPv4 address it reaches, and a loopback one
 * is refused even when loopback is allowed: no registry is configured that way, an attacker is.
 */
export function addressRefusal(address: string, policy: AddressPolicy = {}): string | undefined {
  const plain = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const family = isIP(plain);
  if (family === 0) return undefined;
  const embedded = family === 6 ? embeddedIPv4(plain) : undefined;
  if (embedded) {
    const why = classify(embedded, 4);
    return why && `${why} (${embedded}, written as IPv6)`;
  }
  const why = classify(plain, family);
  if (why === LOOPBACK_REASON && policy.allowLoopback) return undefined;
  return why;
}

/** A host as written in a URL: an IP literal is judged now (sockets skip the lookup for literals), a name when it resolves. */
export function hostRefusal(hostname: string, policy: AddressPolicy = {}): string | undefined {
  const why = addressRefusal(hostname, policy);
  return why && `${hostname.replace(/^\[|\]$/g, "")} is ${why}`;
}

export function forbiddenAddressError(message: string): Error {
  return Object.assign(new Error(message), { code: FORBIDDEN_CODE });
}

/** dns.lookup for sockets that refuses a name when any of its addresses is refused (one bad answer is enough to be used). */
export function guardedLookup(policy: AddressPolicy = {}): LookupFunction {
  return (hostname, options, callback) => {
    const literal = hostRefusal(hostname, policy);
    if (literal) return callback(forbiddenAddressError(`${literal}: refusing to connect`), "", 0);
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, "", 0);
      const refused = addresses.find((a) => addressRefusal(a.address, policy));
      if (refused) {
        const why = addressRefusal(refused.address, policy)!;
        return callback(forbiddenAddressError(`${hostname} resolves to ${refused.address}, ${why}`), "", 0);
      }
      if (options.all) return (callback as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: "ENOTFOUND" }), "", 0);
      callback(null, first.address, first.family);
    });
  };
}

function classify(ip: string, family: number): string | undefined {
  const type = family === 4 ? "ipv4" : "ipv6";
  if (METADATA.check(ip, type)) return "a cloud metadata service address";
  if (LINK_LOCAL.check(ip, type)) return "a link-local address";
  if (UNSPECIFIED.check(ip, type)) return "the unspecified address";
  if (MULTICAST.check(ip, type)) return "a multicast or reserved address";
  if (LOOPBACK.check(ip, type)) return LOOPBACK_REASON;
  return undefined;
}

/** The IPv4 address inside ::ffff:a.b.c.d, ::a.b.c.d or 64:ff9b::a.b.c.d (in dotted or hex form). */
function embeddedIPv4(ip: string): string | undefined {
  const groups = expandIPv6(ip);
  if (!groups) return undefined;
  const prefix = groups
    .slice(0, 6)
    .map((g) => g.toString(16))
    .join(":");
  const mapped = prefix === "0:0:0:0:0:ffff";
  const compatible = prefix === "0:0:0:0:0:0" && (groups[6] !== 0 || groups[7]! > 1);
  const nat64 = prefix === "64:ff9b:0:0:0:0";
  if (!mapped && !compatible && !nat64) return undefined;
  return [groups[6]! >> 8, groups[6]! & 255, groups[7]! >> 8, groups[7]! & 255].join(".");
}

function expandIPv6(ip: string): number[] | undefined {
  let text = ip.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split(".").map(Number) as [number, number, number, number];
    text = `${text.slice(0, -dotted[1]!.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split("::") as [string, string | undefined];
  const parse = (part: string) => (part ? part.split(":").map((g) => parseInt(g, 16)) : []);
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const fill = 8 - left.length - right.length;
  const groups = tail === undefined ? left : [...left, ...new Array<number>(fill).fill(0), ...right];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g)) ? groups : undefined;
}

function blockList(entries: [string, number, "ipv4" | "ipv6"][]): BlockList {
  const list = new BlockList();
  for (const [network, prefix, type] of entries) list.addSubnet(network, prefix, type);
  return list;
}
