import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { seedImage, skopeoInspectDigest } from "@/test/fixtures/oci-image";
import { startRegistry } from "@/test/fixtures/registry";
import { demoComponents, demoCopyLine, demoVendorUser } from "./demo/demo-copy-line";

const demo = path.join(process.cwd(), "scripts", "demo.mjs");

describe("npm run demo", () => {
  it("prints its usage for --help and starts nothing", () => {
    const started = Date.now();
    const result = spawnSync(process.execPath, [demo, "--help"], { encoding: "utf8", timeout: 20_000 });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: npm run demo/);
    for (const variable of ["PORT", "GANTRY_DEMO_DATA_DIR", "GANTRY_DEMO_PASSWORD"]) {
      expect(result.stdout).toContain(`  ${variable} `);
    }
    expect(result.stderr).toBe("");
    // Starting registries and the console takes far longer than printing a page.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("refuses an argument it does not know, with the usage", () => {
    const result = spawnSync(process.execPath, [demo, "--port=4000"], { encoding: "utf8", timeout: 20_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("demo: unknown argument --port=4000");
    expect(result.stderr).toContain("Usage: npm run demo");
  });

  it("prints a bin/gantry copy line that copies the release between registries set up as the demo's", async () => {
    const password = crypto.randomBytes(12).toString("base64url");
    const vendor = await startRegistry({ auth: "basic", users: [{ username: demoVendorUser, password }] });
    const mine = await startRegistry();
    try {
      const digests: string[] = [];
      for (const repository of demoComponents)
        digests.push(
          (await seedImage(vendor, repository, "release-251120", { layers: [{ size: 4096, seed: repository }] }))
            .manifestDigest,
        );
      const line = demoCopyLine({
        vendorHost: vendor.host,
        vendorPassword: password,
        tag: "release-251120",
        targetHost: mine.host,
      });
      const [command, ...args] = line.split(" ");
      expect(command).toBe("bin/gantry");
      const copied = spawnSync(process.execPath, [path.join(process.cwd(), "bin", "gantry"), ...args], {
        encoding: "utf8",
        timeout: 120_000,
      });
      expect(copied.status, copied.stderr).toBe(0);
      for (const [index, repository] of demoComponents.entries())
        expect(await skopeoInspectDigest(`${mine.host}/cli/${repository.split("/")[1]}:release-251120`)).toBe(
          digests[index],
        );
    } finally {
      await Promise.all([vendor.stop(), mine.stop()]);
    }
  });
});
