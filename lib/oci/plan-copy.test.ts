import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeBuiltImages, seedImage, type BuiltImage } from "@/test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";
import { copyImages } from "./copy-images";
import { inspectImage } from "./inspect-image";
import { planCopy } from "./plan-copy";
import { parseReference } from "./reference";
import { RegistryClient } from "./registry-client";

let source: RunningRegistry;
let target: RunningRegistry;
let src: RegistryClient;
let dst: RegistryClient;
let api: BuiltImage;
let engine: BuiltImage;

beforeAll(async () => {
  [source, target] = await Promise.all([startRegistry(), startRegistry()]);
  src = new RegistryClient({ registry: source.host, insecure: true, side: "source" });
  dst = new RegistryClient({ registry: target.host, insecure: true, side: "target" });
  const base = { size: 50_000, seed: "plan-base" };
  api = await seedImage(source, "vendor/api", "2", [
    { layers: [base, { size: 1000 }] },
    { layers: [base, { size: 1100 }], platform: { os: "linux", architecture: "arm64" } },
  ]);
  engine = await seedImage(source, "vendor/engine", "2", { layers: [base, { size: 20_000 }] });
});
afterAll(async () => {
  await Promise.all([src?.close(), dst?.close()]);
  await Promise.all([source?.stop(), target?.stop()]);
  await removeBuiltImages();
});

const items = () =>
  ["api", "engine"].map((n) => ({ source: `${source.host}/vendor/${n}:2`, target: `${target.host}/team/${n}:2` }));

describe("planCopy", () => {
  it("says per image what exists, what would be mounted from an earlier image, and what must move", async () => {
    const plan = await planCopy({ source: src, target: dst, items: items() });
    expect(plan.ok).toBe(true);
    const [first, second] = plan.images;
    expect(first).toMatchObject({ status: "copy", digest: api.manifestDigest, size: api.size });
    expect(first!.blobs.every((b) => b.outcome === "uploaded")).toBe(true);
    const shared = second!.blobs.find((b) => b.size > 50_000)!;
    expect(shared).toMatchObject({ outcome: "mounted", mountFrom: "team/api" });
    expect(plan.bytesToMove).toBe(
      api.blobs.reduce((s, b) => s + b.size, 0) + engine.blobs.reduce((s, b) => s + b.size, 0) - shared.size,
    );
  });

  it("is up to date after the copy, and flags an image over the size limit", async () => {
    await copyImages({ source: src, target: dst, items: items().slice(0, 1) });
    const plan = await planCopy({ source: src, target: dst, items: items(), sizeLimitBytes: 60_000 });
    expect(plan.images[0]).toMatchObject({ status: "up_to_date", bytesToMove: 0 });
    expect(plan.images[1]).toMatchObject({ status: "failed", failure: { kind: "too_large", side: "target" } });
    expect(plan.images[1]!.blobs.find((b) => b.size > 50_000)).toMatchObject({
      outcome: "mounted",
      mountFrom: "team/api",
    });
    expect(plan.ok).toBe(false);
  });

  it("reports a missing source image as a failed entry, not a throw", async () => {
    const plan = await planCopy({
      source: src,
      target: dst,
      items: [{ source: `${source.host}/vendor/none:1`, target: `${target.host}/t/none:1` }],
    });
    expect(plan.images[0]).toMatchObject({ status: "failed", failure: { kind: "not_found", side: "source" } });
  });
});

describe("inspectImage", () => {
  it("gives digest, media type, platforms and size", async () => {
    const index = await inspectImage(src, parseReference(`${source.host}/vendor/api:2`));
    expect(index).toMatchObject({ digest: api.manifestDigest, mediaType: api.mediaType, size: api.size });
    expect(index.platforms.map((p) => p.platform)).toEqual(["linux/amd64", "linux/arm64"]);
    const single = await inspectImage(src, parseReference(`${source.host}/vendor/engine:2`));
    expect(single).toMatchObject({
      digest: engine.manifestDigest,
      size: engine.size,
      platforms: [{ platform: "linux/amd64", digest: engine.manifestDigest }],
    });
  });
});
