import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

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
});
