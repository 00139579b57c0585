import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { addressRefusal, LOOPBACK_REASON, type AddressPolicy } from "@/lib/oci/transport/address-policy";
import { EndpointRefusedError, EndpointUnresolvedError } from "./errors";

/** Resolves a host name to every address it has, like `dns.lookup(name, { all: true })`. */
export type ResolveHost = (hostname: string) => Promise<LookupAddress[]>;

export interface GuardOptions {
  /** Allow 127.0.0.0/8 and ::1; defaults to GANTRY_ALLOW_LOOPBACK_REGISTRIES=1. */
  allowLoopback?: boolean;
  /** Replaces the system resolver (tests point names at 127.0.0.1 with it). */
  resolve?: ResolveHost;
}

// Names of metadata services, refused even when this server cannot resolve them.
const METADATA_NAMES = new Set([
  "metadata.google.internal",
  "metadata.goog",
  "metadata",
  "instance-data",
  "instance-data.ec2.internal",
]);

export function loopbackAllowed(env: Record<string, string | undefined> = process.env): boolean {
  return env.GANTRY_ALLOW_LOOPBACK_REGISTRIES === "1";
}

/**
 * Why Gantry refuses to connect to `address`, or undefined when it may: lib/oci's address
 * policy, with loopback following GANTRY_ALLOW_LOOPBACK_REGISTRIES unless told otherwise.
 */
export function refusalOf(address: string, options: Pick<GuardOptions, "allowLoopback"> = {}): string | undefined {
  if (isIP(address.replace(/%.*$/, "")) === 0) return "not an IP address";
  const why = addressRefusal(address, { allowLoopback: options.allowLoopback ?? loopbackAllowed() });
  return why === LOOPBACK_REASON ? `${why} (allowed only with GANTRY_ALLOW_LOOPBACK_REGISTRIES=1)` : why;
}

/** The lib/oci address policy of registry connections: one policy for the host, its redirects and token realms. */
export function registryAddressPolicy(options: Pick<GuardOptions, "allowLoopback"> = {}): AddressPolicy {
  return { allowLoopback: options.allowLoopback ?? loopbackAllowed() };
}

/**
 * Why a registry endpoint (`host[:port]`) is refused as soon as it is saved, without asking
 * DNS: a metadata service's name, or an address literal Gantry never connects to. Loopback
 * is left to connect time, where GANTRY_ALLOW_LOOPBACK_REGISTRIES decides; names are checked
 * when they resolve.
 */
export function endpointRefusal(endpoint: string): string | undefined {
  const host = endpoint.startsWith("[") ? endpoint.slice(1, endpoint.indexOf("]")) : endpoint.replace(/:\d+$/, "");
  const name = host.toLowerCase().replace(/\.$/, "");
  if (METADATA_NAMES.has(name)) return `${host} is a cloud metadata service: Gantry does not connect to it`;
  if (!isIP(name)) return undefined;
  const why = refusalOf(name, { allowLoopback: true });
  return why && `${name} is ${why}: Gantry does not connect there`;
}

/**
 * Resolves `hostname` and checks every address it has: one bad address refuses the name,
 * since a connection may use any of them. Call it at connect time, not only when saving:
 * a name can point somewhere else tomorrow.
 */
export async function resolveAllowedAddresses(hostname: string, options: GuardOptions = {}): Promise<LookupAddress[]> {
  const name = hostname.toLowerCase().replace(/\.$/, "");
  if (METADATA_NAMES.has(name)) {
    throw new EndpointRefusedError(`${hostname} is a cloud metadata service: Gantry does not connect to it`, {
      host: hostname,
    });
  }
  const addresses = isIP(name) ? [{ address: name, family: isIP(name) }] : await resolve(name, options.resolve);
  for (const { address } of addresses) {
    const why = refusalOf(address, options);
    if (why) {
      const what = address === name ? `${address} is` : `${hostname} resolves to ${address},`;
      throw new EndpointRefusedError(`${what} ${why}: Gantry does not connect there`, { host: hostname });
    }
  }
  return addresses;
}

/**
 * A `dns.lookup` replacement for net/tls/undici `connect.lookup` that refuses the same
 * addresses at the moment of connecting, so a name that changes its answer after the
 * check (DNS rebinding) is still refused.
 */
export function guardedLookup(options: GuardOptions = {}): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    resolveAllowedAddresses(hostname, options).then(
      (addresses) => {
        const wanted = lookupOptions.family === 4 || lookupOptions.family === 6 ? lookupOptions.family : undefined;
        const usable = wanted ? addresses.filter((a) => a.family === wanted) : addresses;
        if (lookupOptions.all) return (callback as (e: null, a: LookupAddress[]) => void)(null, usable);
        const first = usable[0];
        if (!first)
          return callback(
            Object.assign(new Error(`no IPv${wanted} address for ${hostname}`), { code: "ENOTFOUND" }),
            "",
            0,
          );
        callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, "", 0),
    );
  };
}

async function resolve(hostname: string, custom: ResolveHost | undefined): Promise<LookupAddress[]> {
  try {
    const addresses = custom ? await custom(hostname) : await systemResolve(hostname);
    if (addresses.length === 0) throw Object.assign(new Error("no addresses"), { code: "ENOTFOUND" });
    return addresses;
  } catch (error) {
    const code = String((error as NodeJS.ErrnoException).code ?? "ENOTFOUND");
    const message =
      code === "EAI_AGAIN"
        ? `the lookup of ${hostname} failed for now (EAI_AGAIN): check this server's DNS, then try again`
        : `no address found for ${hostname} (${code}): check the host name, and that this server's DNS knows it`;
    throw new EndpointUnresolvedError(message, { code, cause: error });
  }
}

function systemResolve(hostname: string): Promise<LookupAddress[]> {
  return new Promise((done, fail) =>
    dnsLookup(hostname, { all: true }, (error, addresses) => (error ? fail(error) : done(addresses))),
  );
}
