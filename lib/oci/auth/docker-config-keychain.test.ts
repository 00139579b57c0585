import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credentialsFromPair, dockerConfigKeychain } from "./docker-config-keychain";

let dir: string;
let env: NodeJS.ProcessEnv;

// A credential helper speaking docker-credential-helpers' protocol: server URL on stdin.
const HELPER = `#!/bin/sh
read server
case "$server" in
  helped.example.com) echo '{"ServerURL":"helped.example.com","Username":"robot","Secret":"helper-pass"}' ;;
  https://index.docker.io/v1/) echo '{"ServerURL":"x","Username":"<token>","Secret":"refresh-123"}' ;;
  broken.example.com) echo "keychain locked: secret-should-not-leak" >&2; exit 3 ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
`;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "gantry-docker-config-"));
  await writeFile(path.join(dir, "docker-credential-fake"), HELPER);
  await chmod(path.join(dir, "docker-credential-fake"), 0o755);
  env = { ...process.env, PATH: `${dir}:${process.env.PATH}`, DOCKER_CONFIG: dir, HOME: dir };
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function credentialsFor(config: object, registry: string) {
  await writeFile(path.join(dir, "config.json"), JSON.stringify(config));
  const authenticator = await dockerConfigKeychain({ env }).resolve(registry);
  return authenticator.credentials({ registry });
}

describe("dockerConfigKeychain", () => {
  it("reads base64 auth, identity tokens and registry tokens from auths", async () => {
    const auth = Buffer.from("alice:pa:ss").toString("base64");
    const config = {
      auths: {
        "quay.io": { auth },
        "https://old.example.com/v1/": { auth },
        "id.example.com": { identitytoken: "idt" },
        "https://index.docker.io/v1/": { registrytoken: "rt" },
      },
    };
    expect(await credentialsFor(config, "quay.io")).toEqual({ kind: "basic", username: "alice", password: "pa:ss" });
    expect(await credentialsFor(config, "old.example.com")).toEqual({
      kind: "basic",
      username: "alice",
      password: "pa:ss",
    });
    expect(await credentialsFor(config, "id.example.com")).toEqual({ kind: "identity-token", token: "idt" });
    expect(await credentialsFor(config, "docker.io")).toEqual({ kind: "bearer", token: "rt" });
    expect(await credentialsFor(config, "elsewhere.io")).toEqual({ kind: "anonymous" });
  });

  it("asks credHelpers first, then credsStore, through docker-credential-*", async () => {
    const config = { credHelpers: { "helped.example.com": "fake" }, auths: { "helped.example.com": { auth: "eDp5" } } };
    expect(await credentialsFor(config, "helped.example.com")).toEqual({
      kind: "basic",
      username: "robot",
      password: "helper-pass",
    });
    expect(await credentialsFor({ credsStore: "fake" }, "docker.io")).toEqual({
      kind: "identity-token",
      token: "refresh-123",
    });
    expect(await credentialsFor({ credsStore: "fake" }, "unknown.example.com")).toEqual({ kind: "anonymous" });
  });

  it("explains a failing or missing helper without echoing everything it printed", async () => {
    await expect(credentialsFor({ credsStore: "fake" }, "broken.example.com")).rejects.toThrow(
      /docker-credential-fake failed for broken.example.com \(exit 3\): keychain locked/,
    );
    await expect(credentialsFor({ credsStore: "absent" }, "quay.io")).rejects.toThrow(
      /docker-credential-absent is not installed/,
    );
  });

  it("is anonymous without a config file, and refuses broken ones clearly", async () => {
    const none = dockerConfigKeychain({ configPath: path.join(dir, "missing.json") });
    expect(await (await none.resolve("quay.io")).credentials({ registry: "quay.io" })).toEqual({ kind: "anonymous" });
    await writeFile(path.join(dir, "bad.json"), "{");
    await expect(dockerConfigKeychain({ configPath: path.join(dir, "bad.json") }).resolve("quay.io")).rejects.toThrow(
      /is not valid JSON/,
    );
  });

  it("parses USER:PASSWORD pairs", async () => {
    expect(await credentialsFromPair("u:p:q").credentials({ registry: "r" })).toEqual({
      kind: "basic",
      username: "u",
      password: "p:q",
    });
    expect(() => credentialsFromPair("nopassword")).toThrow(/USER:PASSWORD/);
  });
});
