import crypto from "node:crypto";
import { mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as download } from "@/app/api/v1/bundles/[file]/route";
import { createApiToken } from "@/lib/auth/api-tokens";
import { runChange, type Caller } from "@/lib/change/run-change";
import { verifyBundle } from "@/lib/oci/layout/verify-bundle";
import { exportBundleJob } from "@/lib/queue/jobs/export-bundle";
import { removeBuiltImages, seedImage, type BuiltImage } from "@/test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";
import { setupTestDatabase } from "@/test/support/database";
import { client, connectRegistry, createRelease, operator, viewer } from "@/test/support/promotion-test-kit";
import { runWorker, type RunningWorker } from "@/worker/run-worker";
import { importBundleFile } from "./import-bundle-release";
import { listBundleExports, listBundleFiles } from "./list-bundles";
import { requestBundleExport } from "./request-bundle-export";

process.env.GANTRY_SECRET_KEY = crypto.randomBytes(32).toString("base64");
process.env.GANTRY_ALLOW_LOOPBACK_REGISTRIES = "1";
const database = setupTestDatabase();
const root: Caller = { userId: null, email: "root@example.com", role: "admin" };
const tokens = { viewer: "", operator: "" };

let source: RunningRegistry;
let worker: RunningWorker;
let outside: string;
let dir: string;
let api: BuiltImage;
let releaseId: string;

beforeAll(async () => {
  outside = await mkdtemp(path.join(tmpdir(), "gantry-bundle-dir-"));
  dir = path.join(outside, "bundles");
  process.env.GANTRY_BUNDLE_DIR = dir;
  await writeFile(path.join(outside, "secret.txt"), "not for download");
  source = await startRegistry();
  api = await seedImage(source, "vendor/api", "3.1", { layers: [{ size: 200_000, seed: "console-api" }] });
  releaseId = await createRelease(await connectRegistry("vendor", source.host), "3.1", [
    { repository: "vendor/api", built: api },
  ]);
  for (const role of ["viewer", "operator"] as const) {
    await database.db().user.create({ data: { email: `${role}@example.com`, role } });
    const made = await runChange(createApiToken, root, { email: `${role}@example.com`, name: "t", role }, client);
    if (!made.ok) throw new Error(made.error);
    tokens[role] = made.data.token;
  }
  worker = await runWorker({ databaseUrl: database.url(), definitions: [exportBundleJob] });
}, 60_000);
afterAll(async () => {
  await worker?.stop();
  await source?.stop();
  await removeBuiltImages();
  if (outside) await rm(outside, { recursive: true, force: true });
});

describe("bundles in the console", () => {
  it("exports a release into GANTRY_BUNDLE_DIR with byte progress, lists it, and imports it as a bundle release", async () => {
    expect(await runChange(requestBundleExport, viewer, { releaseId }, client)).toMatchObject({ status: 403 });
    const requested = await runChange(requestBundleExport, operator, { releaseId }, client);
    if (!requested.ok) throw new Error(requested.error);
    const file = requested.data.file;
    expect(file).toMatch(/^channel-.*-3\.1\.tar$/);
    expect(await runChange(requestBundleExport, operator, { releaseId }, client)).toMatchObject({
      ok: false,
      status: 409,
      error: expect.stringContaining("being exported already"),
    });

    const done = await waitFor(async () => {
      const [row] = await listBundleExports();
      return row && (row.status === "succeeded" || row.status === "failed") ? row : undefined;
    });
    expect(done).toMatchObject({ status: "succeeded", error: null, file });
    expect(done.bytesDone).toBe(done.bytesTotal);
    expect(done.bytesTotal).toBeGreaterThan(200_000);
    const verified = await verifyBundle(path.join(dir, file));
    expect(verified).toMatchObject({ ok: true, problems: [] });
    expect(verified.bundle!.manifest.components).toEqual([
      expect.objectContaining({ name: "vendor/api:3.1", digest: api.manifestDigest }),
    ]);
    const actions = await database.db().auditEvent.findMany({ where: { action: { startsWith: "bundle." } } });
    expect(actions.map((a) => a.action).sort()).toEqual(["bundle.export_requested", "bundle.exported"]);

    const [listed] = await listBundleFiles();
    expect(listed).toMatchObject({ file, problem: null, manifest: { release: "3.1" }, importedAs: [] });

    const traversal = await runChange(importBundleFile, operator, { file: "../secret.txt", channel: "x" }, client);
    expect(traversal).toMatchObject({ ok: false, status: 400 });
    const imported = await runChange(importBundleFile, operator, { file, channel: "air-gapped" }, client);
    if (!imported.ok) throw new Error(imported.error);
    expect(imported.data).toMatchObject({ tag: "3.1", channelCreated: true });
    const [again] = await listBundleFiles();
    expect(again!.importedAs).toEqual([{ channel: "air-gapped", tag: "3.1", releaseId: imported.data.releaseId }]);
  }, 90_000);

  it("serves a bundle with Range support, checks the role, and never leaves the bundle folder", async () => {
    const [listed] = await listBundleFiles();
    const file = listed!.file;
    const bytes = await readFile(path.join(dir, file));
    const size = bytes.length;

    const whole = await get(file, "operator");
    expect(whole.status).toBe(200);
    expect(whole.headers.get("accept-ranges")).toBe("bytes");
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);

    const first = await get(file, "operator", "bytes=0-99");
    expect(first.status).toBe(206);
    expect(first.headers.get("content-range")).toBe(`bytes 0-99/${size}`);
    expect(Buffer.from(await first.arrayBuffer()).equals(bytes.subarray(0, 100))).toBe(true);
    // A browser resuming after 100 000 bytes.
    const rest = await get(file, "operator", "bytes=100000-");
    expect(rest.status).toBe(206);
    expect(rest.headers.get("content-length")).toBe(String(size - 100_000));
    expect(Buffer.from(await rest.arrayBuffer()).equals(bytes.subarray(100_000))).toBe(true);
    const tail = await get(file, "operator", "bytes=-10");
    expect(Buffer.from(await tail.arrayBuffer()).equals(bytes.subarray(size - 10))).toBe(true);

    for (const bad of [`bytes=${size}-`, "bytes=50-10", "bytes=0-1,5-6", "items=0-1", "bytes=-0"]) {
      const refused = await get(file, "operator", bad);
      expect(refused.status, bad).toBe(416);
      expect(refused.headers.get("content-range"), bad).toBe(`bytes */${size}`);
    }

    expect((await get(file, "viewer")).status).toBe(403);
    expect((await get(file, null)).status).toBe(401);

    await symlink(path.join(outside, "secret.txt"), path.join(dir, "link.tar"));
    for (const name of ["../secret.txt", "..", "sub/../../secret.txt", "..\\secret.txt", "link.tar", "nothing.tar"]) {
      const answer = await get(name, "operator");
      expect([400, 404], name).toContain(answer.status);
      expect(await answer.text(), name).not.toContain("not for download");
    }
  });
});

function get(file: string, role: "viewer" | "operator" | null, range?: string) {
  const headers = new Headers();
  if (role) headers.set("authorization", `Bearer ${tokens[role]}`);
  if (range) headers.set("range", range);
  const request = new Request(`http://localhost/api/v1/bundles/${encodeURIComponent(file)}`, { headers });
  return download(request, { params: Promise.resolve({ file }) });
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
