/**
 * `npm run demo`: the whole flow on this machine. Two real CNCF registries on 127.0.0.1 — a
 * vendor's (Basic auth) holding a synthetic three-component product in a few releases, and
 * an empty private one — then Gantry on a fresh demo data folder with both connected and a
 * channel synced. Ctrl-C stops everything.
 */
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { seedImage } from "../../test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "../../test/fixtures/registry";
import { demoComponents, demoCopyLine, demoVendorUser } from "./demo-copy-line";

const root = process.cwd();
const dataDir = path.resolve(root, process.env.GANTRY_DEMO_DATA_DIR ?? ".gantry-demo");
const port = process.env.PORT ?? "3000";
const admin = { email: "admin@demo.local", password: process.env.GANTRY_DEMO_PASSWORD ?? "gantry-demo-password" };
const components = demoComponents;
/** Three releases; the newest has bigger layers, so its push shows progress for a few seconds. */
const releases = [
  { tag: "release-250904", megabytes: [2, 3, 1] },
  { tag: "release-251016", megabytes: [3, 4, 2] },
  { tag: "release-251120", megabytes: [24, 40, 12] },
];

// Standard output is the console's JSON log stream; the demo's own lines go to standard error.
const say = (line: string) => process.stderr.write(`demo: ${line}\n`);
const registries: RunningRegistry[] = [];
let gantry: ChildProcess | undefined;
let stopping = false;

async function main(): Promise<void> {
  fs.rmSync(dataDir, { recursive: true, force: true });
  const vendorPassword = crypto.randomBytes(12).toString("base64url");
  say("starting the vendor registry and your private registry (CNCF distribution, 127.0.0.1)…");
  const [vendor, mine] = await Promise.all([
    startRegistry({ auth: "basic", users: [{ username: demoVendorUser, password: vendorPassword }] }),
    startRegistry(),
  ]);
  registries.push(vendor, mine);

  say(`seeding ${components.length} components × ${releases.length} releases…`);
  for (const release of releases) {
    for (const [index, repository] of components.entries()) {
      await seedImage(vendor, repository, release.tag, {
        layers: [
          { size: 8 << 20, seed: "acme-base-os" },
          { size: release.megabytes[index]! << 20, seed: `${repository}:${release.tag}` },
        ],
        labels: { "org.opencontainers.image.version": release.tag },
      });
    }
  }

  say(`starting Gantry on port ${port} (data in ${path.relative(root, dataDir)}; the first start builds the console)…`);
  const env = {
    ...process.env,
    GANTRY_DATA_DIR: dataDir,
    PORT: port,
    GANTRY_ADMIN_EMAIL: admin.email,
    GANTRY_ADMIN_PASSWORD: admin.password,
    GANTRY_ALLOW_LOOPBACK_REGISTRIES: "1",
  };
  gantry = spawn(process.execPath, [path.join(root, "bin", "gantry"), "start"], {
    cwd: root,
    env,
    stdio: ["ignore", "inherit", "pipe"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let output = "";
    gantry!.stderr!.on("data", (chunk: Buffer) => {
      process.stderr.write(chunk);
      output += chunk.toString();
      const match = /Gantry is running at (\S+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    gantry!.once("exit", (code) => reject(new Error(`gantry start exited with ${code}`)));
  });

  const token = await cli(env, ["tokens", "create", "--email", admin.email, "--name", "demo-setup", "--role", "admin"]);
  const api = async <T>(method: string, route: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${url}${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await response.json()) as T;
    if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };
  const source = await api<{ id: string }>("POST", "/api/v1/registries", {
    name: "acme-vendor",
    provider: "generic",
    endpoint: vendor.host,
    insecure: true,
    auth: { kind: "basic", username: demoVendorUser, password: vendorPassword },
  });
  await api("POST", "/api/v1/registries", {
    name: "my-private-registry",
    provider: "generic",
    endpoint: mine.host,
    insecure: true,
    auth: { kind: "anonymous" },
  });
  const channel = await api<{ id: string }>("POST", "/api/v1/channels", {
    name: "acme-platform",
    sourceRegistryId: source.id,
    components,
    tagPattern: "^release-\\d{6}$",
    ordering: "date",
    syncIntervalMinutes: 0,
  });
  await api("POST", `/api/v1/channels/${channel.id}/sync`);

  const latest = releases.at(-1)!.tag;
  say("");
  say(`ready: open ${url} and sign in as ${admin.email} / ${admin.password}`);
  say(`Releases shows acme-platform ${latest} as the latest: Promote it into my-private-registry and watch it move.`);
  say(`the vendor registry is ${vendor.host}, user ${demoVendorUser}, password ${vendorPassword}`);
  say("the same copy from the command line, into another folder of your registry:");
  say(`  ${demoCopyLine({ vendorHost: vendor.host, vendorPassword, tag: latest, targetHost: mine.host })}`);
  say(`check the result yourself: skopeo inspect --tls-verify=false docker://${mine.host}/team/api:${latest}`);
  say("Ctrl-C stops Gantry and both registries.");
  await new Promise((resolve) => gantry!.once("exit", resolve));
}

function cli(env: NodeJS.ProcessEnv, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, "bin", "gantry"), ...args], {
      cwd: root,
      env,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.once("exit", (code) =>
      code === 0 ? resolve(out.trim()) : reject(new Error(`gantry ${args[0]} exited with ${code}`)),
    );
  });
}

async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    if (gantry && gantry.exitCode === null) {
      gantry.kill("SIGTERM");
      await new Promise((resolve) => gantry!.once("exit", resolve));
    }
    await Promise.all(registries.map((r) => r.stop()));
  }
  process.exit(code);
}

process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
main().then(
  () => stop(0),
  (error: unknown) => {
    process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
    void stop(1);
  },
);
