import { readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { AuthError } from "../errors";
import { DOCKER_HUB } from "../reference";
import { anonymous, staticAuthenticator, type Authenticator, type Credentials, type Keychain } from "./authenticator";
import { runCredentialHelper } from "./credential-helper";

export interface DockerConfigKeychainOptions {
  /** Default: $DOCKER_CONFIG/config.json, else ~/.docker/config.json. */
  configPath?: string;
  /** HOME, DOCKER_CONFIG and the PATH credential helpers are found on. */
  env?: NodeJS.ProcessEnv;
}

interface DockerConfig {
  auths?: Record<
    string,
    { auth?: string; username?: string; password?: string; identitytoken?: string; registrytoken?: string }
  >;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

// docker keys Docker Hub by its v1 index URL; other registries by host.
const HUB_KEYS = ["https://index.docker.io/v1/", "index.docker.io", "docker.io", "registry-1.docker.io"];

/**
 * Credentials the way `docker login` left them (go-containerregistry: authn.DefaultKeychain):
 * a credential helper for the host, else the global credsStore, else `auths` in config.json,
 * else anonymous. A missing config file means anonymous everywhere.
 */
export function dockerConfigKeychain(options: DockerConfigKeychainOptions = {}): Keychain {
  const env = options.env ?? process.env;
  const file =
    options.configPath ?? path.join(env.DOCKER_CONFIG ?? path.join(env.HOME ?? os.homedir(), ".docker"), "config.json");
  return {
    async resolve(registry) {
      const config = await readConfig(file);
      const keys = registry === DOCKER_HUB ? HUB_KEYS : [registry, `https://${registry}`, `http://${registry}`];
      const helper = pick(config.credHelpers, keys) ?? config.credsStore;
      const entry = findAuth(config.auths, registry, keys);
      if (!helper && !entry) return anonymous;
      let cached: Promise<Credentials> | undefined;
      const authenticator: Authenticator = {
        // One helper run per keychain lifetime: helpers may prompt or be slow.
        credentials: ({ signal }) =>
          (cached ??= (async () => {
            if (helper) {
              const found = await runCredentialHelper({ helper, serverUrl: keys[0]!, env, signal });
              if (found) return found;
            }
            return entry ? credentialsOf(entry, file) : { kind: "anonymous" as const };
          })()),
      };
      return authenticator;
    },
  };
}

/** An Authenticator straight from `user:password` (the CLI's --src-creds). */
export function credentialsFromPair(pair: string): Authenticator {
  const colon = pair.indexOf(":");
  if (colon <= 0) throw new AuthError("credentials must be USER:PASSWORD", { code: "CREDENTIALS_INVALID" });
  return staticAuthenticator({ kind: "basic", username: pair.slice(0, colon), password: pair.slice(colon + 1) });
}

async function readConfig(file: string): Promise<DockerConfig> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw new AuthError(`cannot read docker config ${file}: ${(error as Error).message}`, {
      code: "CONFIG_UNREADABLE",
    });
  }
  try {
    return JSON.parse(text) as DockerConfig;
  } catch {
    throw new AuthError(`docker config ${file} is not valid JSON`, { code: "CONFIG_INVALID" });
  }
}

function pick<T>(map: Record<string, T> | undefined, keys: string[]): T | undefined {
  if (!map) return undefined;
  for (const key of keys) if (map[key] !== undefined) return map[key];
  return undefined;
}

function findAuth(auths: DockerConfig["auths"], registry: string, keys: string[]) {
  const exact = pick(auths, keys);
  if (exact) return hasSecret(exact) ? exact : undefined;
  // Older docker wrote full URLs with paths (https://host/v1/).
  const loose = Object.entries(auths ?? {}).find(
    ([key]) => key.replace(/^https?:\/\//, "").split("/")[0] === registry,
  )?.[1];
  return loose && hasSecret(loose) ? loose : undefined;
}

function hasSecret(entry: NonNullable<DockerConfig["auths"]>[string]): boolean {
  return Boolean(entry.auth || entry.password || entry.identitytoken || entry.registrytoken);
}

function credentialsOf(entry: NonNullable<DockerConfig["auths"]>[string], file: string): Credentials {
  if (entry.registrytoken) return { kind: "bearer", token: entry.registrytoken };
  if (entry.identitytoken) return { kind: "identity-token", token: entry.identitytoken };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon <= 0)
      throw new AuthError(`an "auth" entry in ${file} is not base64 of user:password`, { code: "CONFIG_INVALID" });
    return { kind: "basic", username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  return { kind: "basic", username: entry.username ?? "", password: entry.password ?? "" };
}
