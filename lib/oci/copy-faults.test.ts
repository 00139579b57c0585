import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startFaultProxy, type RunningFaultProxy } from "@/test/fixtures/fault-proxy";
import { removeBuiltImages, seedImage, skopeoInspectDigest, type BuiltImage } from "@/test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";
import { copyImages } from "./copy-images";
import type { PushedImage } from "./copy-types";
import { RegistryClient, type RegistryClientOptions } from "./registry-client";
import { headManifest } from "./remote-manifest";

let source: RunningRegistry;
let target: RunningRegistry;
let full: RunningRegistry;
let sourceProxy: RunningFaultProxy;
let targetProxy: RunningFaultProxy;
let built: BuiltImage;
let bigLayer: string;
const clients: RegistryClient[] = [];

beforeAll(async () => {
  [source, target, full] = await Promise.all([
    startRegistry(),
    startRegistry(),
    startRegistry({ storageLimitBytes: 50_000 }),
  ]);
  [sourceProxy, targetProxy] = await Promise.all([startFaultProxy(source), startFaultProxy(target)]);
  built = await seedImage(source, "vendor/app", "1", { layers: [{ size: 300_000 }, { size: 2_000 }] });
  bigLayer = built.blobs.find((b) => b.size > 300_000)!.digest;
});
afterEach(() => {
  sourceProxy.clearRules();
  targetProxy.clearRules();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all([sourceProxy?.stop(), targetProxy?.stop()]);
  await Promise.all([source, target, full].map((r) => r?.stop()));
  await removeBuiltImages();
});

function clientsFor(options: Partial<RegistryClientOptions> = {}, targetHost = targetProxy.host) {
  const fast = { retry: { baseDelayMs: 20, maxDelayMs: 100 }, insecure: true, ...options };
  const pair = {
    source: new RegistryClient({ registry: sourceProxy.host, side: "source", ...fast }),
    target: new RegistryClient({ registry: targetHost, side: "target", ...fast }),
  };
  clients.push(pair.source, pair.target);
  return pair;
}
const item = (to: string, host = targetProxy.host) => ({
  source: `${sourceProxy.host}/vendor/app:1`,
  target: `${host}/${to}`,
});
const blobPath = () => new RegExp(`/blobs/${bigLayer}$`);

describe("faults", () => {
  it("retries a blob whose download is cut mid-stream, and cancels the broken upload", async () => {
    sourceProxy.addRule({
      match: { method: "GET", path: blobPath() },
      action: { kind: "drop-after-bytes", bytes: 100_000 },
    });
    const from = targetProxy.requests.length;
    const result = await copyImages({ ...clientsFor(), items: [item("team/cut:1")] });
    expect(result.images[0]).toMatchObject({ status: "pushed", digest: built.manifestDigest });
    expect(sourceProxy.requests.filter((r) => r.method === "GET" && blobPath().test(r.path)).length).toBe(2);
    expect(
      targetProxy.requests.slice(from).some((r) => r.method === "DELETE" && r.path.includes("/blobs/uploads/")),
    ).toBe(true);
    expect(await skopeoInspectDigest(`${target.host}/team/cut:1`)).toBe(built.manifestDigest);
  });

  it("retries a manifest whose response is cut halfway", async () => {
    sourceProxy.addRule({
      match: { method: "GET", path: /\/manifests\/1$/ },
      action: { kind: "drop-after-bytes", bytes: 100 },
    });
    const from = sourceProxy.requests.length;
    const result = await copyImages({ ...clientsFor(), items: [item("team/cutmanifest:1")] });
    expect(result.images[0]).toMatchObject({ status: "pushed", digest: built.manifestDigest });
    expect(sourceProxy.requests.slice(from).filter((r) => r.fault === "drop-after-bytes")).toHaveLength(1);
  });

  it("honours Retry-After on 429 from the source and 503 from the target", async () => {
    sourceProxy.addRule({
      match: { method: "GET", path: /\/manifests\/1$/ },
      action: { kind: "status", status: 429, retryAfter: 1 },
    });
    targetProxy.addRule({
      match: { method: "PUT", path: /\/blobs\/uploads\// },
      action: { kind: "status", status: 503, retryAfter: 1 },
    });
    const started = Date.now();
    const result = await copyImages({ ...clientsFor(), items: [item("team/busy:1")] });
    expect(result.images[0]).toMatchObject({ status: "pushed" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(sourceProxy.requests.filter((r) => r.status === 429)).toHaveLength(1);
    expect(targetProxy.requests.filter((r) => r.status === 503)).toHaveLength(1);
  });

  it("times out a stalled response and tries again", async () => {
    sourceProxy.addRule({ match: { method: "GET", path: blobPath() }, action: { kind: "stall", ms: 5_000 } });
    const started = Date.now();
    const result = await copyImages({ ...clientsFor({ timeouts: { headersMs: 400 } }), items: [item("team/stall:1")] });
    expect(result.images[0]).toMatchObject({ status: "pushed" });
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it("gives up after its attempts with a network failure that says a retry may help", async () => {
    sourceProxy.addRule({
      match: { method: "GET", path: blobPath() },
      times: Infinity,
      action: { kind: "status", status: 503 },
    });
    const result = await copyImages({
      ...clientsFor({ retry: { attempts: 3, baseDelayMs: 5 } }),
      items: [item("team/down:1")],
    });
    expect(result.images[0]).toMatchObject({ status: "failed", kind: "network", side: "source", retryable: true });
    expect((result.images[0] as { message: string }).message).toMatch(
      /source 127\.0\.0\.1:\d+ is unavailable \(503 UNAVAILABLE/,
    );
    expect(sourceProxy.requests.filter((r) => r.status === 503).length).toBe(3);
  });

  it("fails as storage when the target's disk is full, without moving the blob again and again", async () => {
    const { source: src, target: dst } = clientsFor({}, full.host);
    const from = sourceProxy.requests.length;
    const result = await copyImages({ source: src, target: dst, items: [item("team/full:1", full.host)] });
    expect(result.images[0]).toMatchObject({ status: "failed", kind: "storage", side: "target", retryable: false });
    expect((result.images[0] as { message: string }).message).toMatch(
      /could not store the data \(500 UNKNOWN: disk quota exceeded\)/,
    );
    expect(sourceProxy.requests.slice(from).filter((r) => r.method === "GET" && blobPath().test(r.path)).length).toBe(
      1,
    );
  });

  it("stops mid-blob on abort: upload cancelled, no tag; a second run skips what arrived", async () => {
    sourceProxy.addRule({
      match: { method: "GET", path: blobPath() },
      action: { kind: "trickle", bytesPerSecond: 60_000 },
    });
    const controller = new AbortController();
    const from = targetProxy.requests.length;
    const pair = clientsFor();
    let othersDone = 0;
    const stopped = await copyImages({
      ...pair,
      items: [item("team/abort:1")],
      signal: controller.signal,
      // Stop once the small blobs have arrived and the big one is on its way, so the rerun has both kinds.
      onProgress: (e) => {
        if (e.type !== "blob") return;
        if (e.digest !== bigLayer && e.state === "uploaded") othersDone += 1;
        if (e.digest === bigLayer && e.bytesDone > 0 && othersDone > 0)
          controller.abort(new Error("operator stopped it"));
      },
    });
    expect(stopped.images[0]).toMatchObject({ status: "stopped" });
    await expect.poll(() => targetProxy.requests.slice(from).some((r) => r.method === "DELETE")).toBe(true);
    expect(await headManifest({ client: pair.target, repository: "team/abort", reference: "1" })).toBeUndefined();

    const resumed = await copyImages({ ...clientsFor(), items: [item("team/abort:1")] });
    expect(resumed.images[0]).toMatchObject({ status: "pushed", digest: built.manifestDigest });
    expect((resumed.images[0] as PushedImage).blobs.present).toBeGreaterThanOrEqual(1);
    expect((resumed.images[0] as PushedImage).blobs.uploaded).toBeGreaterThanOrEqual(1);
  });
});
