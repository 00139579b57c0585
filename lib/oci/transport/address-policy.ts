import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from "node:dns";
import { isIP } from "node:net";

/**
 * DESIGN.md: never reach link-local or cloud metadata addresses (169.254.169.254 and
 * friends), whether a registry is configured there or redirects there. Loopback and
 * private ranges stay allowed: self-hosted registries live there.
 */
export function isForbiddenAddress(address: string): boolean {
  const ip = address.replace(/^\[|\]$/g, "").toLowerCase();
  const v4 = ip.startsWith("::ffff:") && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
  if (isIP(v4) === 4) return v4.startsWith("169.254.");
  if (isIP(ip) === 6) return /^fe[89ab][0-9a-f]:/.test(ip) || ip === "fd00:ec2::254";
  return false;
}

export const FORBIDDEN_CODE = "ERR_GANTRY_FORBIDDEN_ADDRESS";

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** dns.lookup for sockets that refuses forbidden answers (net.connect skips it for IP literals: see checkUrl). */
export function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, "");
    const allowed = addresses.filter((a) => !isForbiddenAddress(a.address));
    if (allowed.length === 0) {
      const refused = Object.assign(new Error(`${hostname} resolves only to link-local or metadata addresses`), {
        code: FORBIDDEN_CODE,
      });
      return callback(refused, "");
    }
    if (options.all) return callback(null, allowed);
    callback(null, allowed[0]!.address, allowed[0]!.family);
  });
}
