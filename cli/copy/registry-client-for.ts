import { readFile } from "node:fs/promises";
import { dockerConfigKeychain, credentialsFromPair } from "@/lib/oci/auth/docker-config-keychain";
import type { Side } from "@/lib/oci/errors";
import { RegistryClient } from "@/lib/oci/registry-client";
import { UsageError } from "../command";

export interface RegistryFlags {
  registry: string;
  side?: Side;
  /** USER:PASSWORD; without it docker's config.json and credential helpers are asked. */
  creds?: string;
  insecure?: boolean;
  /** A PEM file with the registry's CA certificate. */
  caFile?: string;
  env: NodeJS.ProcessEnv;
}

/** A RegistryClient from command-line flags, credentials from the flag or docker's config. */
export async function registryClientFor(flags: RegistryFlags): Promise<RegistryClient> {
  let auth;
  try {
    auth =
      flags.creds !== undefined
        ? credentialsFromPair(flags.creds)
        : await dockerConfigKeychain({ env: flags.env }).resolve(flags.registry);
  } catch (error) {
    throw new UsageError(`${flags.side ?? "registry"} credentials: ${(error as Error).message}`);
  }
  let caPem: string | undefined;
  if (flags.caFile) {
    caPem = await readFile(flags.caFile, "utf8").catch((error: Error) => {
      throw new UsageError(`cannot read CA file ${flags.caFile}: ${error.message}`);
    });
  }
  return new RegistryClient({
    registry: flags.registry,
    side: flags.side,
    auth,
    insecure: flags.insecure,
    caPem,
    userAgent: "gantry-cli",
  });
}
