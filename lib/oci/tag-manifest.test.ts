import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFaultProxy, type RunningFaultProxy } from "@/test/fixtures/fault-proxy";
import { removeBuiltImages, seedImage, skopeoInspectDigest, type BuiltImage } from "@/test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";
import { fetchManifest } from "./remote-manifest";
import { RegistryClient } from "./registry-client";
import { tagManifest } from "./tag-manifest";

let registry: RunningRegistry;
let proxy: RunningFaultProxy;
let client: RegistryClient;
let built: BuiltImage;
let kept: { bytes: Uint8Array; mediaType: string };

beforeAll(async () => {
  registry = await startRegistry();
  built = await seedImage(registry, "team/api", "seed", { layers: [{ size: 4000 }] });
  await removeBuiltImages();
  proxy = await startFaultProxy(registry);
  client = new RegistryClient({ registry: proxy.host, insecure: true, side: "target" });
  const fetched = await fetchManifest({ client, repository: "team/api", reference: built.manifestDigest });
  // As a database hands stored bytes back: a Uint8Array, not a Buffer.
  kept = { bytes: new Uint8Array(fetched.bytes), mediaType: fetched.mediaType };
}, 60_000);
afterAll(async () => {
  await client?.close();
  await proxy?.stop();
  await registry?.stop();
});

/** Manifest GETs the registry saw for `run` (Docker Hub counts each as a pull). */
async function manifestGets(run: () => Promise<unknown>): Promise<string[]> {
  const before = proxy.requests.length;
  await run();
  return proxy.requests
    .slice(before)
    .filter((r) => r.method === "GET" && r.path.includes("/manifests/"))
    .map((r) => r.path.split("/manifests/")[1]!);
}

const tag = (name: string, manifest?: { bytes: Uint8Array; mediaType: string }) =>
  tagManifest({
    client,
    repository: "team/api",
    digest: built.manifestDigest,
    tag: name,
    ...(manifest ? { manifest } : {}),
  });

describe("tagManifest", () => {
  it("PUTs the kept bytes under the tag and reads nothing back", async () => {
    expect(await manifestGets(async () => expect(await tag("kept", kept)).toEqual({ previous: undefined }))).toEqual(
      [],
    );
    expect(await skopeoInspectDigest(`${proxy.host}/team/api:kept`)).toBe(built.manifestDigest);
    const put = proxy.requests.find((r) => r.method === "PUT" && r.path.endsWith("/manifests/kept"))!;
    expect(put.headers["content-type"]).toBe(kept.mediaType);
  });

  it("reads the bytes back by digest when none were kept (rows from before)", async () => {
    expect(await manifestGets(() => tag("fetched"))).toEqual([built.manifestDigest]);
    expect(await skopeoInspectDigest(`${proxy.host}/team/api:fetched`)).toBe(built.manifestDigest);
  });

  it("does not PUT kept bytes that are not the digest's: it reads the manifest back instead", async () => {
    const other = { bytes: new TextEncoder().encode('{"schemaVersion":2}'), mediaType: kept.mediaType };
    expect(await manifestGets(() => tag("checked", other))).toEqual([built.manifestDigest]);
    expect(await skopeoInspectDigest(`${proxy.host}/team/api:checked`)).toBe(built.manifestDigest);
  });

  it("leaves a tag already at the digest alone", async () => {
    const before = proxy.requests.length;
    expect(await tag("kept", kept)).toEqual({ previous: built.manifestDigest });
    expect(proxy.requests.slice(before).map((r) => r.method)).toEqual(["HEAD"]);
  });
});
