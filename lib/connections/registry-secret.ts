import "server-only";
import { secretBox, type SecretBox } from "@/lib/secrets/secret-box";

/**
 * A registry's secret is sealed with the registry's id as associated data, so a sealed
 * value copied onto another row does not open there.
 */
export function sealRegistrySecret(registryId: string, secret: string, box: SecretBox = secretBox()): string {
  return box.seal(secret, registryId);
}

export function openRegistrySecret(registryId: string, sealed: string, box: SecretBox = secretBox()): string {
  return box.open(sealed, registryId);
}
