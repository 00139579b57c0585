import { spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFaultProxy, type RunningFaultProxy } from "@/test/fixtures/fault-proxy";
import { removeBuiltImages, seedImage, skopeoInspectDigest, type BuiltImage } from "@/test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";

const bin = path.join(process.cwd(), "bin", "gantry");
let source: RunningRegistry;
let target: RunningRegistry;
let proxy: RunningFaultProxy;
let api: BuiltImage;
let engine: BuiltImage;
let big: BuiltImage;

beforeAll(async () => {
  [source, target] = await Promise.all([startRegistry({ auth: "basic" }), startRegistry()]);
  proxy = await startFaultProxy(source);
  const base = { size: 60_000, seed: "cli-base" };
  api = await seedImage(source, "vendor/api", "1.2", [
    { layers: [base, { size: 100 }] },
    { layers: [base, { size: 200 }], platform: { os: "linux", architecture: "arm64" } },
  ]);
  engine = await seedImage(source, "vendor/sub/engine", "1.2", { layers: [base, { size: 300 }] });
  big = await seedImage(source, "vendor/big", "1", { layers: [{ size: 1_500_000 }, { size: 1000 }, { size: 2000 }] });
});
afterAll(async () => {
  await proxy?.stop();
  await Promise.all([source?.stop(), target?.stop()]);
  await removeBuiltImages();
});

const creds = ["--src-creds", "gantry:gantry-pass", "--insecure"];

/** Runs bin/gantry without blocking this process: the registries' helpers live in it. */
function gantry(args: string[], options: { onLine?: (line: string, kill: () => void) => void } = {}) {
  return new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    createInterface({ input: child.stdout }).on("line", (line) => {
      stdout += `${line}\n`;
      options.onLine?.(line, () => child.kill("SIGKILL"));
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
const results = (stdout: string) =>
  stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l))
    .filter((e) => e.type === "result");

describe("gantry copy", () => {
  it("copies a release into a repository prefix, keeping digests, and says so per image", async () => {
    const run = await gantry([
      "copy",
      ...creds,
      `${proxy.host}/vendor/api:1.2`,
      `${proxy.host}/vendor/sub/engine:1.2`,
      `${target.host}/team/`,
    ]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toMatch(
      new RegExp(`^pushed  ${target.host}/team/api:1.2@${api.manifestDigest}: \\d blobs uploaded`, "m"),
    );
    expect(run.stdout).toMatch(
      new RegExp(`^pushed  ${target.host}/team/engine:1.2@${engine.manifestDigest}: \\d blobs uploaded`, "m"),
    );
    // The shared base layer moves once; whichever image comes second mounts it.
    expect(run.stdout.match(/, 1 mounted/g)).toHaveLength(1);
    expect(await skopeoInspectDigest(`${target.host}/team/api:1.2`)).toBe(api.manifestDigest);
    expect(await skopeoInspectDigest(`${target.host}/team/engine:1.2`)).toBe(engine.manifestDigest);

    const again = await gantry(["copy", "--json", ...creds, `${proxy.host}/vendor/api:1.2`, `${target.host}/team/api`]);
    expect(again.code).toBe(0);
    expect(results(again.stdout)).toEqual([
      expect.objectContaining({ status: "pushed", upToDate: true, digest: api.manifestDigest }),
    ]);
  });

  it("exits 1 for a failed copy with the reason, and 2 for usage mistakes", async () => {
    const missing = await gantry(["copy", ...creds, `${proxy.host}/vendor/none:1`, `${target.host}/team/none:1`]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/^failed  .*team\/none:1: not_found: source .* has no such manifest/m);
    const wrong = await gantry([
      "copy",
      "--insecure",
      "--src-creds",
      "gantry:not-the-password",
      `${proxy.host}/vendor/api:1.2`,
      `${target.host}/t/x:1`,
    ]);
    expect(wrong).toMatchObject({
      code: 1,
      stdout: expect.stringMatching(/failed .*: auth: source .* refused the credentials/),
    });
    expect(wrong.stdout + wrong.stderr).not.toContain("not-the-password");
    expect(await gantry(["copy", `${proxy.host}/vendor/api:1.2`])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("expected SRC... DST"),
    });
    expect(await gantry(["copy", "quay.io/Vendor/x", "r.io/t/"])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("must be lowercase"),
    });
    expect(await gantry(["copy", "--platform", "linux", "quay.io/a:1", "r.io/t/"])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("OS/ARCH"),
    });
  });

  it("resumes after being killed mid-blob: the second run skips what arrived", async () => {
    const layer = big.blobs.find((b) => b.size > 1_500_000)!.digest;
    proxy.addRule({
      match: { method: "GET", path: new RegExp(`/blobs/${layer}$`) },
      action: { kind: "trickle", bytesPerSecond: 100_000 },
    });
    const settled = new Set<string>();
    const killed = await gantry(
      ["copy", "--json", ...creds, `${proxy.host}/vendor/big:1`, `${target.host}/team/big:1`],
      {
        onLine: (line, kill) => {
          const event = JSON.parse(line);
          if (event.type === "blob" && ["uploaded", "present"].includes(event.state)) settled.add(event.digest);
          if (event.type === "blob" && event.digest === layer && event.bytesDone > 0 && settled.size >= 2) kill();
        },
      },
    );
    expect(killed.signal).toBe("SIGKILL");
    proxy.clearRules();
    const resumed = await gantry([
      "copy",
      "--json",
      ...creds,
      `${proxy.host}/vendor/big:1`,
      `${target.host}/team/big:1`,
    ]);
    expect(resumed.code).toBe(0);
    const [result] = results(resumed.stdout);
    expect(result).toMatchObject({ status: "pushed", digest: big.manifestDigest });
    expect(result.blobs.present).toBeGreaterThanOrEqual(2);
    expect(result.blobs.present + result.blobs.uploaded).toBe(4);
    expect(result.bytesTransferred).toBeGreaterThan(1_500_000);
    expect(await skopeoInspectDigest(`${target.host}/team/big:1`)).toBe(big.manifestDigest);
  });
});

describe("gantry tags and inspect", () => {
  it("lists tags and shows digest, media type, platforms and size", async () => {
    const tags = await gantry(["tags", "--creds", "gantry:gantry-pass", "--insecure", `${source.host}/vendor/api`]);
    expect(tags).toMatchObject({ code: 0, stdout: "1.2\n" });
    const inspect = await gantry([
      "inspect",
      "--creds",
      "gantry:gantry-pass",
      "--insecure",
      `${source.host}/vendor/api:1.2`,
    ]);
    expect(inspect.code).toBe(0);
    expect(inspect.stdout).toContain(`Digest:     ${api.manifestDigest}`);
    expect(inspect.stdout).toMatch(/Media type: application\/vnd\.oci\.image\.index\.v1\+json/);
    expect(inspect.stdout).toMatch(/linux\/amd64 .*\n.*linux\/arm64/);
    const json = await gantry(["inspect", "--json", "--insecure", `${target.host}/team/engine:1.2`]);
    expect(JSON.parse(json.stdout)).toMatchObject({
      digest: engine.manifestDigest,
      size: engine.size,
      platforms: [{ platform: "linux/amd64" }],
    });
    expect(await gantry(["tags", "--insecure", `${source.host}/vendor/api`])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("requires credentials"),
    });
  });
});
