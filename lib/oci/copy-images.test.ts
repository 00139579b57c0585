import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFaultProxy, type RunningFaultProxy } from "@/test/fixtures/fault-proxy";
import { removeBuiltImages, seedImage, skopeoInspectDigest } from "@/test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";
import { copyImages } from "./copy-images";
import type { PushedImage } from "./copy-types";
import type { CopyProgressEvent } from "./progress";
import { RegistryClient } from "./registry-client";

// Anonymous registries; the target sits behind a rule-less fault proxy that records requests.
let source: RunningRegistry;
let target: RunningRegistry;
let proxy: RunningFaultProxy;
let src: RegistryClient;
let dst: RegistryClient;

beforeAll(async () => {
  [source, target] = await Promise.all([startRegistry(), startRegistry()]);
  proxy = await startFaultProxy(target);
  src = new RegistryClient({ registry: source.host, insecure: true, side: "source" });
  dst = new RegistryClient({ registry: proxy.host, insecure: true, side: "target", retry: { baseDelayMs: 10 } });
});
afterAll(async () => {
  await Promise.all([src?.close(), dst?.close()]);
  await proxy?.stop();
  await Promise.all([source?.stop(), target?.stop()]);
  await removeBuiltImages();
});

const base = { size: 150_000, seed: "copy-images-base" };
const item = (from: string, to: string) => ({ source: `${source.host}/${from}`, target: `${proxy.host}/${to}` });
const since = (mark: number) => proxy.requests.slice(mark);
const mark = () => proxy.requests.length;

describe("copyImages", () => {
  it("copies a multi-arch index exactly: blobs, then children by digest, then the tag; again it is up to date", async () => {
    const built = await seedImage(source, "vendor/multi", "1.0", [
      { layers: [base, { size: 2000 }] },
      { layers: [base, { size: 3000 }], platform: { os: "linux", architecture: "arm64", variant: "v8" } },
    ]);
    const start = mark();
    const result = await copyImages({ source: src, target: dst, items: [item("vendor/multi:1.0", "team/multi:1.0")] });
    expect(result.ok).toBe(true);
    expect(result.images[0]).toMatchObject({
      status: "pushed",
      digest: built.manifestDigest,
      upToDate: false,
      platformFiltered: false,
    });
    expect(await skopeoInspectDigest(`${target.host}/team/multi:1.0`)).toBe(built.manifestDigest);
    for (const child of built.manifests)
      expect(await skopeoInspectDigest(`${target.host}/team/multi@${child.digest}`)).toBe(child.digest);

    const manifestPuts = since(start)
      .filter((r) => r.method === "PUT" && r.path.includes("/manifests/"))
      .map((r) => r.path.split("/").pop());
    expect(manifestPuts).toEqual([...built.manifests.map((m) => m.digest), "1.0"]);
    const lastBlobPut = since(start).findLastIndex((r) => r.method === "PUT" && r.path.includes("/blobs/uploads/"));
    const firstManifestPut = since(start).findIndex((r) => r.method === "PUT" && r.path.includes("/manifests/"));
    expect(lastBlobPut).toBeLessThan(firstManifestPut);
    const baseUploads = since(start).filter((r) => r.method === "PUT" && r.path.includes("/blobs/uploads/")).length;
    expect(baseUploads).toBe(built.blobs.length);

    const again = mark();
    const second = await copyImages({ source: src, target: dst, items: [item("vendor/multi:1.0", "team/multi:1.0")] });
    expect(second.images[0]).toMatchObject({ status: "pushed", upToDate: true, bytesTransferred: 0 });
    expect(since(again).map((r) => `${r.method} ${r.path}`)).toEqual([`HEAD /v2/team/multi/manifests/1.0`]);
  });

  it("keeps Docker manifest lists and schema 2 manifests byte for byte", async () => {
    const built = await seedImage(source, "vendor/docker", "2", [
      { layers: [{ size: 1000 }], format: "docker" },
      { layers: [{ size: 1200 }], format: "docker", platform: { os: "linux", architecture: "arm64" } },
    ]);
    const result = await copyImages({ source: src, target: dst, items: [item("vendor/docker:2", "team/docker:2")] });
    expect(result.images[0]).toMatchObject({
      status: "pushed",
      digest: built.manifestDigest,
      mediaType: built.mediaType,
    });
    expect(await skopeoInspectDigest(`${target.host}/team/docker:2`)).toBe(built.manifestDigest);
  });

  it("moves a blob shared by three images once, mounts it for the others, and reports progress per image and blob", async () => {
    const specs = ["api", "engine", "proxy"].map((name, i) => ({
      name,
      spec: { layers: [{ size: 400_000, seed: "shared-release-base" }, { size: 5000 + i }] },
    }));
    const builds = await Promise.all(specs.map(({ name, spec }) => seedImage(source, `vendor/${name}`, "3.0", spec)));
    const shared = builds[0]!.blobs.find((b) => b.size > 400_000)!.digest;
    const events: CopyProgressEvent[] = [];
    const start = mark();
    const result = await copyImages({
      source: src,
      target: dst,
      items: specs.map(({ name }) => item(`vendor/${name}:3.0`, `release/${name}:3.0`)),
      onProgress: (e) => events.push(e),
    });
    expect(result.ok).toBe(true);
    for (const [i, { name }] of specs.entries()) {
      expect(await skopeoInspectDigest(`${target.host}/release/${name}:3.0`)).toBe(builds[i]!.manifestDigest);
    }
    const requests = since(start);
    expect(
      requests.filter(
        (r) => r.method === "PUT" && r.path.includes("/blobs/uploads/") && r.path.includes(shared.slice(7)),
      ).length,
    ).toBe(1);
    expect(
      requests.filter((r) => r.method === "POST" && r.path.includes(`mount=${encodeURIComponent(shared)}`)).length,
    ).toBe(2);
    const pushed = result.images as PushedImage[];
    expect(pushed.map((p) => p.blobs.mounted).sort()).toEqual([0, 1, 1]);

    const blobEvents = events.filter((e) => e.type === "blob" && e.digest === shared);
    expect(new Set(blobEvents.map((e) => e.imageIndex))).toEqual(new Set([0, 1, 2]));
    expect(
      blobEvents
        .filter((e) => e.state === "mounted")
        .every((e) => e.type === "blob" && e.mountedFrom?.startsWith("release/")),
    ).toBe(true);
    const finals = [0, 1, 2].map((i) => events.filter((e) => e.type === "image" && e.imageIndex === i).at(-1));
    for (const final of finals)
      expect(final).toMatchObject({ type: "image", state: "pushed", blobsDone: 3, blobsTotal: 3 });
    expect(finals.every((f) => f?.type === "image" && f.bytesDone === f.bytesTotal && f.bytesTotal > 400_000)).toBe(
      true,
    );
  });

  it("with a platform filter pushes a smaller index and says the digest changed", async () => {
    const built = await seedImage(source, "vendor/filter", "1", [
      { layers: [{ size: 1000 }] },
      { layers: [{ size: 1100 }], platform: { os: "linux", architecture: "arm64" } },
      { layers: [{ size: 1200 }], platform: { os: "linux", architecture: "s390x" } },
    ]);
    const result = await copyImages({
      source: src,
      target: dst,
      items: [item("vendor/filter:1", "team/filter:1")],
      platforms: ["linux/arm64"],
    });
    const pushed = result.images[0] as PushedImage;
    expect(pushed).toMatchObject({ status: "pushed", platformFiltered: true, sourceDigest: built.manifestDigest });
    expect(pushed.digest).not.toBe(built.manifestDigest);
    expect(await skopeoInspectDigest(`${target.host}/team/filter:1`)).toBe(pushed.digest);
    expect(pushed.blobs.uploaded).toBe(2);

    const none = await copyImages({
      source: src,
      target: dst,
      items: [item("vendor/filter:1", "team/filter:2")],
      platforms: ["windows/amd64"],
    });
    expect(none.images[0]).toMatchObject({
      status: "failed",
      kind: "not_found",
      message: expect.stringContaining("offers linux/amd64, linux/arm64, linux/s390x"),
    });
  });

  it("skips blobs the target already has and uploads big blobs in chunks, or when the registry answers 413", async () => {
    await seedImage(source, "vendor/chunky", "a", { layers: [{ size: 300_000, seed: "chunky-base" }] });
    const built = await seedImage(source, "vendor/chunky", "b", {
      layers: [{ size: 300_000, seed: "chunky-base" }, { size: 250_000 }],
    });
    await copyImages({ source: src, target: dst, items: [item("vendor/chunky:a", "team/chunky:a")] });
    const start = mark();
    const result = await copyImages({
      source: src,
      target: dst,
      items: [item("vendor/chunky:b", "team/chunky:b")],
      upload: { chunkedAboveBytes: 100_000, chunkBytes: 64 * 1024 },
    });
    expect(result.images[0]).toMatchObject({ status: "pushed", blobs: { present: 1, uploaded: 2 } });
    expect(since(start).filter((r) => r.method === "PATCH").length).toBe(4); // 250 kB in 64 KiB chunks
    expect(await skopeoInspectDigest(`${target.host}/team/chunky:b`)).toBe(built.manifestDigest);

    const other = await seedImage(source, "vendor/toolarge", "1", { layers: [{ size: 120_000 }] });
    proxy.addRule({
      match: { method: "PUT", url: /\/blobs\/uploads\/.*digest=/ },
      action: { kind: "status", status: 413 },
    });
    const afterRule = mark();
    const chunked = await copyImages({
      source: src,
      target: dst,
      items: [item("vendor/toolarge:1", "team/toolarge:1")],
      concurrency: 1,
    });
    expect(chunked.images[0]).toMatchObject({ status: "pushed" });
    expect(since(afterRule).some((r) => r.method === "PATCH")).toBe(true);
    expect(await skopeoInspectDigest(`${target.host}/team/toolarge:1`)).toBe(other.manifestDigest);
  });

  it("refuses an image over the size limit before any byte moves", async () => {
    await seedImage(source, "vendor/big", "1", { layers: [{ size: 200_000 }] });
    const start = mark();
    const result = await copyImages({
      source: src,
      target: dst,
      items: [item("vendor/big:1", "team/big:1")],
      sizeLimitBytes: 100_000,
    });
    expect(result.images[0]).toMatchObject({ status: "failed", kind: "too_large", side: "target", retryable: false });
    expect((result.images[0] as { message: string }).message).toMatch(
      /is 20\d kB, over the target's limit of 100 kB; nothing was copied/,
    );
    expect(since(start).filter((r) => r.method !== "HEAD")).toEqual([]);
  });

  it("refuses items on another registry than the clients', before any request", async () => {
    await expect(
      copyImages({ source: src, target: dst, items: [{ source: "quay.io/x/y:1", target: `${proxy.host}/a:1` }] }),
    ).rejects.toThrow(/items\[0\]: source quay.io\/x\/y:1 is not on the source registry/);
  });
});
