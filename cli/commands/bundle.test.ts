import { spawn } from "node:child_process";
import { createHash, generateKeyPairSync } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp, open, readdir, rm, stat, writeFile, copyFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BundleFiles } from "@/lib/oci/layout/bundle-files";
import { listTarEntries } from "@/lib/oci/layout/read-bundle";
import { startFaultProxy, type RunningFaultProxy } from "@/test/fixtures/fault-proxy";
import { removeBuiltImages, seedImage, skopeoInspectDigest, type BuiltImage } from "@/test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";
import { skopeoCopy } from "@/test/fixtures/skopeo";

const bin = path.join(process.cwd(), "bin", "gantry");
const EPOCH = "1764547200";
let source: RunningRegistry;
let target: RunningRegistry;
let proxy: RunningFaultProxy;
let dir: string;
let keys: { privateKey: string; publicKey: string; otherPublicKey: string };
const images: Record<string, BuiltImage> = {};
const base = { size: 60_000, seed: "bundle-base" };
// Big enough that the exporter's 1 MiB write batches land inside it more than once.
const bigLayer = { size: 4_000_000, seed: "bundle-big" };

beforeAll(async () => {
  [source, target] = await Promise.all([startRegistry(), startRegistry()]);
  proxy = await startFaultProxy(source);
  dir = await mkdtemp(path.join(tmpdir(), "gantry-bundle-test-"));
  images.api = await seedImage(source, "vendor/api", "1.2", [
    { layers: [base, { size: 100, seed: "api-12" }] },
    { layers: [base, { size: 200, seed: "api-12-arm" }], platform: { os: "linux", architecture: "arm64" } },
  ]);
  images.engine = await seedImage(source, "vendor/engine", "1.2", { layers: [base, bigLayer] });
  images.api13 = await seedImage(source, "vendor/api", "1.3", { layers: [base, { size: 300, seed: "api-13" }] });
  images.engine13 = await seedImage(source, "vendor/engine", "1.3", {
    layers: [base, bigLayer, { size: 400, seed: "engine-13" }],
  });
  const pair = () => generateKeyPairSync("ed25519");
  const [signer, other] = [pair(), pair()];
  keys = {
    privateKey: signer.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKey: signer.publicKey.export({ type: "spki", format: "pem" }).toString(),
    otherPublicKey: other.publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
  await writeFile(path.join(dir, "sign.pem"), keys.privateKey);
  await writeFile(path.join(dir, "trust.pem"), keys.publicKey);
  await writeFile(path.join(dir, "other.pem"), keys.otherPublicKey);
});
afterAll(async () => {
  await proxy?.stop();
  await Promise.all([source?.stop(), target?.stop()]);
  await removeBuiltImages();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const file = (name: string) => path.join(dir, name);
const release = (tag: string, host = source.host) => [`${host}/vendor/api:${tag}`, `${host}/vendor/engine:${tag}`];
const exportArgs = (out: string, tag = "1.2", host = source.host) => [
  "bundle",
  "export",
  "--insecure",
  "--sign-key",
  file("sign.pem"),
  "-o",
  out,
  ...release(tag, host),
];

describe("gantry bundle", () => {
  it("exports a signed release that verifies, skopeo reads, and imports under a prefix with digests kept", async () => {
    const run = await gantry(exportArgs(file("r12.tar")));
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toMatch(/^exported 2 image\(s\) to .*r12\.tar: .*, 11 blobs/m);
    const verify = await gantry(["bundle", "verify", "--key", file("trust.pem"), file("r12.tar")]);
    expect(verify).toMatchObject({ code: 0, stdout: expect.stringMatching(/^intact: .*11 blobs.*signature valid/) });

    // Standard on the outside: skopeo finds each image by its ref.name.
    await skopeoCopy(`oci-archive:${file("r12.tar")}:vendor/api:1.2`, `${target.host}/skopeo/api:1.2`, { all: true });
    await skopeoCopy(`oci-archive:${file("r12.tar")}:vendor/engine:1.2`, `${target.host}/skopeo/engine:1.2`);
    expect(await skopeoInspectDigest(`${target.host}/skopeo/api:1.2`)).toBe(images.api!.manifestDigest);
    expect(await skopeoInspectDigest(`${target.host}/skopeo/engine:1.2`)).toBe(images.engine!.manifestDigest);

    const imported = await gantry([
      "bundle",
      "import",
      "--insecure",
      "--trust-key",
      file("trust.pem"),
      file("r12.tar"),
      `${target.host}/team/`,
    ]);
    expect(imported).toMatchObject({ code: 0, stderr: "" });
    expect(imported.stdout).toContain(`pushed  ${target.host}/team/api:1.2@${images.api!.manifestDigest}`);
    expect(await skopeoInspectDigest(`${target.host}/team/api:1.2`)).toBe(images.api!.manifestDigest);
    expect(await skopeoInspectDigest(`${target.host}/team/engine:1.2`)).toBe(images.engine!.manifestDigest);
    const again = await gantry(["bundle", "import", "--insecure", file("r12.tar"), `${target.host}/team/`]);
    expect(again.stdout.match(/already up to date/g)).toHaveLength(2);

    const untrusted = await gantry([
      "bundle",
      "import",
      "--insecure",
      "--trust-key",
      file("other.pem"),
      file("r12.tar"),
      `${target.host}/x/`,
    ]);
    expect(untrusted).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("does not match the configured public key"),
    });
  });

  it("an export killed at a random byte and run again writes the same bytes as an uninterrupted one", async () => {
    const whole = await gantry(exportArgs(file("whole.tar"), "1.2", proxy.host), { env: { SOURCE_DATE_EPOCH: EPOCH } });
    expect(whole.code).toBe(0);
    const entries = await listTarEntries(await BundleFiles.open(file("whole.tar")));
    const big = entries.find((e) => e.size > bigLayer.size)!;
    // A random byte of the big layer, at least 2 MiB before its end. The export writes in 1 MiB
    // batches, so the file passes the cut with a batch (at most 1.25 MiB later, a read chunk
    // included) and ≥ 0.75 MiB of the layer still to come: trickled at 1 MB/s, that leaves the
    // poll (10 ms) ≥ 0.7 s to kill the export before it ends. (A cut in the layer's last MiB
    // was passed only by the final write, after which the file is renamed: nothing to kill.)
    const cutAt = big.offset + 1 + Math.floor(Math.random() * (big.size - 2 * 1024 * 1024));
    proxy.addRule({
      match: { method: "GET", path: /\/blobs\/sha256:/ },
      times: Infinity,
      action: { kind: "trickle", bytesPerSecond: 1_000_000 },
    });
    const partial = `${file("resumed.tar")}.partial`;
    const killed = await gantry(exportArgs(file("resumed.tar"), "1.2", proxy.host), {
      env: { SOURCE_DATE_EPOCH: EPOCH },
      poll: async (kill) => ((await stat(partial).catch(() => undefined))?.size ?? 0) >= cutAt && kill(),
    });
    proxy.clearRules();
    expect(killed.signal).toBe("SIGKILL");
    const resumed = await gantry(exportArgs(file("resumed.tar"), "1.2", proxy.host), {
      env: { SOURCE_DATE_EPOCH: EPOCH },
    });
    expect(resumed).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/resumed: .* kept from the interrupted run/),
    });
    expect(await sha256(file("resumed.tar"))).toBe(await sha256(file("whole.tar")));
    expect((await readdir(dir)).filter((f) => f.startsWith("resumed.tar"))).toEqual(["resumed.tar"]);
  });

  it("verify names a blob whose byte flipped, and exits 1", async () => {
    await copyFile(file("r12.tar"), file("flipped.tar"));
    const entries = await listTarEntries(await BundleFiles.open(file("flipped.tar")));
    const big = entries.find((e) => e.size > bigLayer.size)!;
    const handle = await open(file("flipped.tar"), "r+");
    const at = big.offset + Math.floor(big.size / 2);
    const byte = Buffer.alloc(1);
    await handle.read(byte, 0, 1, at);
    await handle.write(Buffer.from([byte[0]! ^ 0x01]), 0, 1, at);
    await handle.close();
    const run = await gantry(["bundle", "verify", file("flipped.tar")]);
    expect(run.code).toBe(1);
    expect(run.stdout.split("\n")[1]).toMatch(
      new RegExp(`^  blob ${big.name.replace("blobs/sha256/", "sha256:")} is damaged`),
    );
  });

  it("an import killed mid-blob and run again skips what the target already has", async () => {
    const big = images.engine!.blobs.find((b) => b.size > bigLayer.size)!.digest;
    const front = await startFaultProxy(target);
    try {
      front.addRule({
        match: { method: "PUT", url: new RegExp(big.slice("sha256:".length)) },
        action: { kind: "stall", ms: 30_000 },
      });
      const settled = new Set<string>();
      const args = ["bundle", "import", "--json", "--insecure", file("r12.tar"), `${front.host}/resume/`];
      const killed = await gantry(args, {
        onLine: (line, kill) => {
          const event = JSON.parse(line);
          if (event.type === "blob" && event.state === "uploaded") settled.add(event.digest);
          if (settled.size >= 4 && front.requests.some((r) => r.method === "PUT" && r.path.includes(big.slice(7))))
            kill();
        },
      });
      expect(killed.signal).toBe("SIGKILL");
      front.clearRules();
      const resumed = await gantry(args);
      expect(resumed.code).toBe(0);
      const engine = resumed.stdout
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l))
        .find((e) => e.type === "result" && e.source === "vendor/engine:1.2");
      expect(engine).toMatchObject({ status: "pushed", digest: images.engine!.manifestDigest });
      expect(engine.blobs.uploaded).toBe(1);
      expect(engine.bytesTransferred).toBeGreaterThan(bigLayer.size);
      expect(await skopeoInspectDigest(`${target.host}/resume/engine:1.2`)).toBe(images.engine!.manifestDigest);
      expect(await skopeoInspectDigest(`${target.host}/resume/api:1.2`)).toBe(images.api!.manifestDigest);
    } finally {
      await front.stop();
    }
  });

  it("splits into parts that import joined", async () => {
    const run = await gantry([...exportArgs(file("parts.tar")), "--part-size", "3M"]);
    expect(run.code).toBe(0);
    const parts = (await readdir(dir)).filter((f) => f.startsWith("parts.tar")).sort();
    expect(parts).toEqual(["parts.tar.001", "parts.tar.002"]);
    expect((await stat(file("parts.tar.001"))).size).toBe(3 * 1024 * 1024);
    expect(await gantry(["bundle", "verify", file("parts.tar")])).toMatchObject({ code: 0 });
    const imported = await gantry(["bundle", "import", "--insecure", file("parts.tar.001"), `${target.host}/split/`]);
    expect(imported.code).toBe(0);
    expect(await skopeoInspectDigest(`${target.host}/split/engine:1.2`)).toBe(images.engine!.manifestDigest);
  });

  it("a differential bundle leaves out what the base carried, imports onto the base, and is refused without it", async () => {
    const run = await gantry([...exportArgs(file("r13.tar"), "1.3"), "--since", file("r12.tar")]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/differential on .*r12\.tar: 2 blobs \(4\.1 MB\) left out, \d+% smaller/);
    expect((await stat(file("r13.tar"))).size).toBeLessThan(100_000);
    expect(await gantry(["bundle", "verify", file("r13.tar")])).toMatchObject({ code: 0 });

    const onto = await gantry(["bundle", "import", "--insecure", file("r13.tar"), `${target.host}/team/`]);
    expect(onto).toMatchObject({ code: 0, stderr: "" });
    expect(await skopeoInspectDigest(`${target.host}/team/api:1.3`)).toBe(images.api13!.manifestDigest);
    expect(await skopeoInspectDigest(`${target.host}/team/engine:1.3`)).toBe(images.engine13!.manifestDigest);

    const refused = await gantry(["bundle", "import", "--insecure", file("r13.tar"), `${target.host}/fresh/`]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /lacks 2 blob\(s\) it leaves out: sha256:[0-9a-f]{64}, sha256:[0-9a-f]{64}; import the base bundle first/,
    );
    expect(refused.stderr).toContain(images.engine!.blobs.find((b) => b.size > bigLayer.size)!.digest);
  });
});

/** Runs bin/gantry without blocking this process (the registries' helpers live in it). */
function gantry(
  args: string[],
  options: {
    env?: Record<string, string>;
    poll?: (kill: () => void) => Promise<unknown>;
    onLine?: (line: string, kill: () => void) => void;
  } = {},
) {
  return new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...options.env },
    });
    let stdout = "";
    let stderr = "";
    const kill = () => child.kill("SIGKILL");
    createInterface({ input: child.stdout }).on("line", (line) => {
      stdout += `${line}\n`;
      options.onLine?.(line, kill);
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const poller = options.poll && setInterval(() => void options.poll!(kill), 10);
    const timer = setTimeout(kill, 60_000);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      clearInterval(poller);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

async function sha256(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
