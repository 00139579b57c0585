import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeBuiltImages, seedImage, skopeoInspectDigest } from "@/test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";
import { basicAuth } from "./auth/authenticator";
import { copyImages } from "./copy-images";
import type { FailedImage } from "./copy-types";
import { listTags } from "./list-tags";
import { RegistryClient, type RegistryClientOptions } from "./registry-client";

const PASSWORD = "s3cret-Pass-word-42";
const users = [
  { username: "gantry", password: PASSWORD },
  {
    username: "pusher",
    password: PASSWORD,
    access: [{ repository: "team/*", actions: ["pull" as const, "push" as const] }],
  },
];
let tokenSource: RunningRegistry;
let tokenTarget: RunningRegistry;
let basicTls: RunningRegistry;
const clients: RegistryClient[] = [];

beforeAll(async () => {
  [tokenSource, tokenTarget, basicTls] = await Promise.all([
    startRegistry({ auth: "token", users }),
    startRegistry({ auth: "token", users }),
    startRegistry({ auth: "basic", users, tls: true }),
  ]);
  const layers = (i: number) => ({ layers: [{ size: 100_000, seed: "auth-base" }, { size: 1000 + i }] });
  await Promise.all([
    seedImage(tokenSource, "vendor/a", "1", layers(1)),
    seedImage(tokenSource, "vendor/b", "1", layers(2)),
  ]);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all([tokenSource, tokenTarget, basicTls].map((r) => r?.stop()));
  await removeBuiltImages();
});

function client(registry: RunningRegistry, options: Partial<RegistryClientOptions> = {}) {
  const created = new RegistryClient({
    registry: registry.host,
    insecure: !registry.caPem,
    caPem: registry.caPem,
    auth: basicAuth("gantry", PASSWORD),
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    ...options,
  });
  clients.push(created);
  return created;
}
const scopesAsked = (registry: RunningRegistry, from = 0) =>
  registry.tokenServer!.requests.slice(from).map((r) => r.scope.join(" "));

describe("auth", () => {
  it("runs the Bearer flow: pull on the source, pull+push on the target plus pull on a mount source, tokens cached", async () => {
    const sourceAsks = tokenSource.tokenServer!.requests.length;
    const result = await copyImages({
      source: client(tokenSource, { side: "source" }),
      target: client(tokenTarget, { side: "target" }),
      items: ["a", "b"].map((n) => ({
        source: `${tokenSource.host}/vendor/${n}:1`,
        target: `${tokenTarget.host}/team/${n}:1`,
      })),
      concurrency: 1,
    });
    expect(result.ok).toBe(true);
    expect(result.images.map((i) => i.status === "pushed" && i.blobs.mounted).sort()).toEqual([0, 1]);
    expect(scopesAsked(tokenSource, sourceAsks).sort()).toEqual([
      "repository:vendor/a:pull",
      "repository:vendor/b:pull",
    ]);
    const targetAsks = scopesAsked(tokenTarget);
    expect(targetAsks).toContain("repository:team/a:pull,push");
    expect(targetAsks).toContain("repository:team/b:pull,push");
    // Whichever image comes second mounts the shared layer from the first one's repository.
    const mountAsk = (pusher: string, from: string) => (ask: string) =>
      ask.split(" ").sort().join(" ") ===
      `repository:team/${from}:pull repository:team/${pusher}:pull,push`.split(" ").sort().join(" ");
    expect(targetAsks.some((ask) => mountAsk("b", "a")(ask) || mountAsk("a", "b")(ask))).toBe(true);
    expect(tokenTarget.tokenServer!.requests.every((r) => r.account === "gantry")).toBe(true);
    const creds = `gantry:${PASSWORD}`;
    expect(await skopeoInspectDigest(`${tokenTarget.host}/team/b:1`, { creds })).toBe(
      await skopeoInspectDigest(`${tokenSource.host}/vendor/b:1`, { creds }),
    );
  });

  it("mounts from the source repository within one registry, and uploads when the mount is refused", async () => {
    const item = (to: string) => [
      { source: `${tokenSource.host}/vendor/a:1`, target: `${tokenSource.host}/team/${to}:1` },
    ];
    const same = client(tokenSource, { side: "source" });
    const mounted = await copyImages({
      source: same,
      target: client(tokenSource, { side: "target" }),
      items: item("same"),
    });
    expect(mounted.images[0]).toMatchObject({ status: "pushed", blobs: { mounted: 3, uploaded: 0 } });
    const pusher = client(tokenSource, { side: "target", auth: basicAuth("pusher", PASSWORD) });
    const uploaded = await copyImages({ source: same, target: pusher, items: item("pushed") });
    expect(uploaded.images[0]).toMatchObject({ status: "pushed", blobs: { mounted: 0, uploaded: 3 } });
  });

  it("renews a token before it expires", async () => {
    tokenSource.tokenServer!.setTokenLifetime(2); // renewed at 1.5 s
    try {
      const reader = client(tokenSource);
      const from = tokenSource.tokenServer!.requests.length;
      await listTags(reader, "vendor/a");
      await listTags(reader, "vendor/a");
      expect(tokenSource.tokenServer!.requests.length - from).toBe(1);
      await new Promise((r) => setTimeout(r, 1600));
      await listTags(reader, "vendor/a");
      expect(tokenSource.tokenServer!.requests.length - from).toBe(2);
    } finally {
      tokenSource.tokenServer!.setTokenLifetime(300);
    }
  });

  it("re-authenticates once on a 401, then fails as auth on the side that refused, without secrets in the message", async () => {
    tokenTarget.tokenServer!.setTokenLifetime(-61); // tokens the registry refuses at once
    try {
      const from = tokenTarget.tokenServer!.requests.length;
      const result = await copyImages({
        source: client(tokenSource, { side: "source" }),
        target: client(tokenTarget, { side: "target" }),
        items: [{ source: `${tokenSource.host}/vendor/a:1`, target: `${tokenTarget.host}/team/refused:1` }],
      });
      const failed = result.images[0] as FailedImage;
      expect(failed).toMatchObject({ status: "failed", kind: "auth", side: "target", retryable: false });
      expect(failed.message).toMatch(/^target 127\.0\.0\.1:\d+ refused the credentials \(401 Unauthorized\) on HEAD /);
      expect(scopesAsked(tokenTarget, from)).toEqual([
        "repository:team/refused:pull,push",
        "repository:team/refused:pull,push",
      ]);
      expect(failed.message).not.toContain(PASSWORD);
      expect(failed.message).not.toMatch(/eyJ/);
    } finally {
      tokenTarget.tokenServer!.setTokenLifetime(300);
    }
  });

  it("says which side refused wrong credentials, and when none were given", async () => {
    const wrong = await copyImages({
      source: client(tokenSource, { side: "source", auth: basicAuth("gantry", "wrong-password-123") }),
      target: client(tokenTarget, { side: "target" }),
      items: [{ source: `${tokenSource.host}/vendor/a:1`, target: `${tokenTarget.host}/team/x:1` }],
    });
    expect(wrong.images[0]).toMatchObject({
      status: "failed",
      kind: "auth",
      side: "source",
      message: expect.stringMatching(/token service .* refused the credentials/),
    });
    expect(JSON.stringify(wrong)).not.toContain("wrong-password-123");

    const none = await copyImages({
      source: client(tokenSource, { side: "source" }),
      target: client(basicTls, { side: "target", auth: undefined }),
      items: [{ source: `${tokenSource.host}/vendor/a:1`, target: `${basicTls.host}/team/x:1` }],
    });
    expect(none.images[0]).toMatchObject({
      status: "failed",
      kind: "auth",
      side: "target",
      message: expect.stringMatching(/requires credentials .* none were given/),
    });
  });

  it("speaks TLS with the registry's CA, Basic auth included, and refuses an untrusted certificate at once", async () => {
    const result = await copyImages({
      source: client(tokenSource, { side: "source" }),
      target: client(basicTls, { side: "target" }),
      items: [{ source: `${tokenSource.host}/vendor/a:1`, target: `${basicTls.host}/team/a:1` }],
    });
    expect(result.images[0]).toMatchObject({ status: "pushed" });
    expect(
      await skopeoInspectDigest(`${basicTls.host}/team/a:1`, {
        creds: `gantry:${PASSWORD}`,
        certDir: basicTls.certDir,
      }),
    ).toBe((result.images[0] as { digest: string }).digest);

    const started = Date.now();
    const untrusted = client(basicTls, { caPem: undefined, retry: { baseDelayMs: 500 } });
    const error = await listTags(untrusted, "team/a").catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: "network",
      retryable: false,
      message: expect.stringMatching(/TLS: the certificate of .* is not trusted/),
    });
    expect(Date.now() - started).toBeLessThan(400);

    const plain = client(basicTls, { insecure: true, caPem: undefined });
    await expect(listTags(plain, "team/a")).rejects.toThrow(/speaks HTTPS, not plain HTTP: do not mark it insecure/);
  });
});
