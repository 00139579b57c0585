import { spawn } from "node:child_process";
import crypto from "node:crypto";
import { copyFile, mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runChange } from "@/lib/change/run-change";
import { exportBundle } from "@/lib/oci/layout/export-bundle";
import { parseReference } from "@/lib/oci/reference";
import { RegistryClient } from "@/lib/oci/registry-client";
import { previewPromotionFor } from "@/lib/promotions/preview-promotion";
import { promoteImageJob } from "@/lib/queue/jobs/promote-image";
import { removeBuiltImages, seedImage, skopeoInspectDigest, type BuiltImage } from "@/test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";
import { setupTestDatabase } from "@/test/support/database";
import {
  client,
  connectRegistry,
  createRelease,
  operator,
  promote,
  viewer,
  waitForPromotion,
} from "@/test/support/promotion-test-kit";
import { runWorker, type RunningWorker } from "@/worker/run-worker";
import { importBundleRelease } from "./import-bundle-release";

process.env.GANTRY_SECRET_KEY = crypto.randomBytes(32).toString("base64");
process.env.GANTRY_ALLOW_LOOPBACK_REGISTRIES = "1";
const database = setupTestDatabase();
const bin = path.join(process.cwd(), "bin", "gantry");

let source: RunningRegistry;
let target: RunningRegistry;
let worker: RunningWorker;
let dir: string;
let file: string;
let api: BuiltImage;
let engine: BuiltImage;

beforeAll(async () => {
  [source, target] = await Promise.all([startRegistry(), startRegistry()]);
  dir = await mkdtemp(path.join(tmpdir(), "gantry-bundle-channel-"));
  const base = { size: 40_000, seed: "bundle-base" };
  api = await seedImage(source, "vendor/api", "1.2", { layers: [base, { size: 30_000, seed: "bundle-api" }] });
  engine = await seedImage(source, "vendor/engine", "1.2", { layers: [base, { size: 20_000, seed: "bundle-engine" }] });
  const src = new RegistryClient({ registry: source.host, insecure: true, side: "source" });
  file = path.join(dir, "release-1.2.tar");
  try {
    await exportBundle({
      source: src,
      items: ["vendor/api:1.2", "vendor/engine:1.2"].map((name) => parseReference(`${source.host}/${name}`)),
      output: file,
      info: { gantryVersion: "test", product: "vendor", release: "1.2" },
    });
  } finally {
    await src.close();
  }
  worker = await runWorker({ databaseUrl: database.url(), definitions: [promoteImageJob] });
}, 90_000);
afterAll(async () => {
  await worker?.stop();
  await Promise.all([source?.stop(), target?.stop()]);
  await removeBuiltImages();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("gantry bundle import FILE --channel", () => {
  it("records the bundle as a release of a new bundle channel, then promotes it from the file with verified digests", async () => {
    const first = await gantry(["bundle", "import", file, "--channel", "offline"]);
    expect(first).toMatchObject({ code: 0, stderr: "" });
    expect(first.stdout).toContain("imported release 1.2 into new bundle channel offline");

    const channel = await database.db().releaseChannel.findUniqueOrThrow({
      where: { name: "offline" },
      include: { releases: { include: { images: { orderBy: { repository: "asc" } } } } },
    });
    expect(channel).toMatchObject({ sourceKind: "bundle", sourceRegistryId: null, syncIntervalMinutes: 0 });
    expect(channel.components.sort()).toEqual(["vendor/api", "vendor/engine"]);
    const [release] = channel.releases;
    expect(release).toMatchObject({ tag: "1.2", latest: true, bundlePath: file });
    expect(release!.images.map((i) => [i.repository, i.digest, i.platforms])).toEqual([
      ["vendor/api", api.manifestDigest, ["linux/amd64"]],
      ["vendor/engine", engine.manifestDigest, ["linux/amd64"]],
    ]);
    const audit = await database
      .db()
      .auditEvent.findMany({ where: { action: { in: ["channel.created", "release.imported"] } } });
    expect(audit.map((e) => e.action).sort()).toEqual(["channel.created", "release.imported"]);

    const again = await gantry(["bundle", "import", file, "--channel", "offline"]);
    expect(again).toMatchObject({ code: 0 });
    expect(again.stdout).toContain("release 1.2 was there already with the same digests");

    const targetId = await connectRegistry("private", target.host);
    const input = { releaseId: release!.id, targetRegistryId: targetId, repositoryPrefix: "team/" };
    const preview = await previewPromotionFor(operator, input);
    if (!preview.ok) throw new Error(preview.error);
    expect(preview.data.images.map((i) => [i.source, i.target, i.status])).toEqual([
      ["oci-archive:release-1.2.tar:vendor/api:1.2", `${target.host}/team/api:1.2`, "copy"],
      ["oci-archive:release-1.2.tar:vendor/engine:1.2", `${target.host}/team/engine:1.2`, "copy"],
    ]);
    // The shared base layer is uploaded once and mounted for the second image.
    expect(preview.data.images[1]!.blobs).toMatchObject({ mounted: 1 });

    const promotion = await waitForPromotion(await promote(input));
    expect(promotion.status).toBe("succeeded");
    for (const image of promotion.images) {
      expect(image).toMatchObject({ status: "pushed" });
      expect(image.bytesDone).toBe(image.bytesTotal);
    }
    expect(await skopeoInspectDigest(`${target.host}/team/api:1.2`)).toBe(api.manifestDigest);
    expect(await skopeoInspectDigest(`${target.host}/team/engine:1.2`)).toBe(engine.manifestDigest);

    const again2 = await previewPromotionFor(operator, input);
    if (!again2.ok) throw new Error(again2.error);
    expect(again2.data.upToDate).toBe(true);
  }, 120_000);

  it("refuses a damaged bundle, a registry channel's name, a viewer, and other digests under a known tag", async () => {
    const damaged = path.join(dir, "damaged.tar");
    await copyFile(file, damaged);
    const handle = await open(damaged, "r+");
    const { size } = await handle.stat();
    const at = Math.floor(size / 2);
    const byte = Buffer.alloc(1);
    await handle.read(byte, 0, 1, at);
    await handle.write(Buffer.from([byte[0]! ^ 0xff]), 0, 1, at);
    await handle.close();
    const refused = await runChange(importBundleRelease, operator, { path: damaged, channel: "offline-2" }, client);
    expect(refused).toMatchObject({ ok: false, status: 422, error: expect.stringContaining("damaged") });
    expect(await database.db().releaseChannel.findUnique({ where: { name: "offline-2" } })).toBeNull();

    const registryId = await connectRegistry("vendor", source.host);
    const releaseId = await createRelease(registryId, "1.2", [{ repository: "vendor/api", built: api }]);
    const { channel } = await database
      .db()
      .release.findUniqueOrThrow({ where: { id: releaseId }, include: { channel: true } });
    const wrong = await runChange(importBundleRelease, operator, { path: file, channel: channel.name }, client);
    expect(wrong).toMatchObject({ ok: false, status: 409, error: expect.stringContaining("syncs from a registry") });

    expect(await runChange(importBundleRelease, viewer, { path: file, channel: "x" }, client)).toMatchObject({
      ok: false,
      status: 403,
    });

    const other = path.join(dir, "other.tar");
    const src = new RegistryClient({ registry: source.host, insecure: true, side: "source" });
    await seedImage(source, "vendor/api", "1.2-b", { layers: [{ size: 1000, seed: "other-api" }] });
    try {
      await exportBundle({
        source: src,
        items: [parseReference(`${source.host}/vendor/api:1.2-b`)],
        output: other,
        info: { gantryVersion: "test", release: "1.2" },
      });
    } finally {
      await src.close();
    }
    const moved = await runChange(importBundleRelease, operator, { path: other, channel: "offline" }, client);
    expect(moved).toMatchObject({ ok: false, status: 409, error: expect.stringContaining("other digests") });
  }, 90_000);
});

function gantry(args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, DATABASE_URL: database.url(), GANTRY_LOG_LEVEL: "silent" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
