/** The demo's product: three components, all in every release. */
export const demoComponents = ["acme/api", "acme/engine", "acme/web"];

/** The vendor registry's robot account the demo creates (its password is random per start). */
export const demoVendorUser = "vendor-robot";

/**
 * The ready `bin/gantry copy` line the demo prints: the release's components from the vendor
 * registry (Basic auth, plain HTTP on 127.0.0.1) into a folder of the private registry.
 */
export function demoCopyLine(options: {
  vendorHost: string;
  vendorPassword: string;
  tag: string;
  targetHost: string;
}): string {
  const sources = demoComponents.map((c) => `${options.vendorHost}/${c}:${options.tag}`).join(" ");
  return `bin/gantry copy --insecure --src-creds ${demoVendorUser}:${options.vendorPassword} ${sources} ${options.targetHost}/cli/`;
}
