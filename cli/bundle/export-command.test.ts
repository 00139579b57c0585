import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeBuiltImages, seedImage, skopeoInspectDigest, type BuiltImage } from "@/test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";
import { skopeoCopy } from "@/test/fixtures/skopeo";
import { setupTestDatabase } from "@/test/support/database";
import { connectRegistry, createRelease } from "@/test/support/promotion-test-kit";

// Set before the first import of the secret box; the CLI child process inherits both.
process.env.GANTRY_SECRET_KEY = randomBytes(32).toString("base64");
process.env.GANTRY_ALLOW_LOOPBACK_REGISTRIES = "1";
const database = setupTestDatabase();
const bin = path.join(process.cwd(), "bin", "gantry");
let source: RunningRegistry;
let target: RunningRegistry;
let dir: string;
let api: BuiltImage;
let channel: string;

beforeAll(async () => {
  [source, target] = await Promise.all([startRegistry({ auth: "basic" }), startRegistry()]);
  dir = await mkdtemp(path.join(tmpdir(), "gantry-bundle-release-"));
  api = await seedImage(source, "vendor/api", "2.0", { layers: [{ size: 5000, seed: "release-api" }] });
  const registryId = await connectRegistry("vendor", source.host, { username: "gantry", password: "gantry-pass" });
  const releaseId = await createRelease(registryId, "2.0", [{ repository: "vendor/api", built: api }]);
  channel = (await database.db().release.findUniqueOrThrow({ where: { id: releaseId }, include: { channel: true } }))
    .channel.name;
});
afterAll(async () => {
  await Promise.all([source?.stop(), target?.stop()]);
  await removeBuiltImages();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("gantry bundle export --channel --release", () => {
  it("exports a stored release with its channel's source credentials, digests pinned", async () => {
    const out = path.join(dir, "release.tar");
    const run = await gantry(["bundle", "export", "--channel", channel, "--release", "2.0", "-o", out]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toContain(`vendor/api:2.0@${api.manifestDigest}`);
    const verify = await gantry(["bundle", "verify", "--json", out]);
    expect(JSON.parse(verify.stdout)).toMatchObject({
      ok: true,
      manifest: { channel, release: "2.0", components: [{ name: "vendor/api:2.0", digest: api.manifestDigest }] },
    });
    await skopeoCopy(`oci-archive:${out}:vendor/api:2.0`, `${target.host}/team/api:2.0`);
    expect(await skopeoInspectDigest(`${target.host}/team/api:2.0`)).toBe(api.manifestDigest);

    const missing = await gantry(["bundle", "export", "--channel", channel, "--release", "9.9", "-o", out]);
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining(`has no release "9.9"`) });
  });
});

function gantry(args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        DATABASE_URL: database.url(),
        GANTRY_LOG_LEVEL: "silent",
        GANTRY_ALLOW_LOOPBACK_REGISTRIES: "1",
      },
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
