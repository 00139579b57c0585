import "server-only";
import { isIP } from "node:net";
import { EndpointRefusedError } from "@/lib/registries/errors";
import { refusalOf, resolveAllowedAddresses, type GuardOptions } from "@/lib/registries/endpoint-guard";

/**
 * Receivers get the same address policy as registries (no link-local, cloud metadata,
 * unspecified or multicast addresses), with their own loopback switch: a registry on the
 * same machine does not imply a webhook receiver there.
 */
export function webhookLoopbackAllowed(env: Record<string, string | undefined> = process.env): boolean {
  return env.GANTRY_ALLOW_LOOPBACK_WEBHOOKS === "1";
}

export function webhookGuard(): GuardOptions {
  return { allowLoopback: webhookLoopbackAllowed() };
}

/**
 * Why Gantry would refuse to send to this URL, judged without DNS (for saving: the worker's
 * resolver may know names this process does not), or null.
 */
export function webhookHostRefusal(url: string): string | null {
  const hostname = new URL(url).hostname.replace(/^\[(.*)\]$/, "$1");
  if (isIP(hostname)) {
    const why = refusalOf(hostname, webhookGuard());
    return why ? `${hostname} is ${explainLoopback(why)}: Gantry does not send webhooks there` : null;
  }
  if (/^(metadata(\.google\.internal|\.goog)?|instance-data(\.ec2\.internal)?)\.?$/i.test(hostname)) {
    return `${hostname} is a cloud metadata service: Gantry does not send webhooks there`;
  }
  return null;
}

/**
 * Resolves the receiver's host and refuses it when any address is off limits. Called before
 * each delivery; the connection's own lookup checks again (DNS rebinding).
 */
export async function assertWebhookHostAllowed(url: URL): Promise<void> {
  try {
    await resolveAllowedAddresses(url.hostname.replace(/^\[(.*)\]$/, "$1"), webhookGuard());
  } catch (error) {
    if (error instanceof EndpointRefusedError)
      throw new EndpointRefusedError(explainLoopback(error.message), { host: error.host });
    throw error;
  }
}

/** The registry guard names the registries' switch; a webhook has its own. */
export function explainLoopback(message: string): string {
  return message.replace("GANTRY_ALLOW_LOOPBACK_REGISTRIES", "GANTRY_ALLOW_LOOPBACK_WEBHOOKS");
}
