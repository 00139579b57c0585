import { spawn, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "@/test/support/database";

const database = setupTestDatabase();
const bin = path.join(process.cwd(), "bin", "gantry");

function gantry(args: string[], input = "") {
  const result = spawnSync(process.execPath, [bin, ...args], {
    input,
    encoding: "utf8",
    env: { ...process.env, DATABASE_URL: database.url(), GANTRY_LOG_LEVEL: "silent" },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("bin/gantry", () => {
  it("lists its commands", () => {
    const { code, stdout } = gantry(["--help"]);
    expect(code).toBe(0);
    for (const name of ["start", "worker", "migrate", "users", "tokens"]) expect(stdout).toContain(`  ${name}`);
  });

  it("creates a user from a password on stdin, and a token that prints alone", async () => {
    const created = gantry(
      ["users", "create", "--email", "Ops@Example.com", "--role", "operator", "--password-stdin"],
      "a-long-enough-password\n",
    );
    expect(created).toMatchObject({ code: 0 });
    expect(created.stdout).toMatch(/^created operator ops@example.com \(\w+\)\n$/);
    const user = await database.db().user.findUniqueOrThrow({ where: { email: "ops@example.com" } });
    expect(user.role).toBe("operator");

    const token = gantry(["tokens", "create", "--email", "ops@example.com", "--name", "ci"]);
    expect(token.code).toBe(0);
    expect(token.stdout).toMatch(/^gty_[A-Za-z0-9_-]{43}\n$/);
    const audit = await database
      .db()
      .auditEvent.findMany({ where: { action: { in: ["user.created", "token.created"] } } });
    expect(audit.map((e) => e.actorLabel)).toEqual([expect.stringMatching(/^cli:/), expect.stringMatching(/^cli:/)]);
  });

  it("exits 2 for a usage mistake and for invalid input, naming what is wrong", () => {
    expect(gantry(["users", "create", "--role", "admin"], "x")).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("--email is required"),
    });
    expect(
      gantry(["users", "create", "--email", "a@example.com", "--role", "root"], "long-enough-password"),
    ).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("role: Role must be one of viewer, operator, approver, admin"),
    });
    expect(gantry(["nope"])).toMatchObject({ code: 2 });
  });

  it("exits 1 when the change is refused", () => {
    expect(gantry(["tokens", "create", "--email", "nobody@example.com", "--name", "x"])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("no active user"),
    });
  });

  it("refuses to start with a bad GANTRY_TRUSTED_PROXIES entry, naming the variable and the entry", () => {
    const result = spawnSync(process.execPath, [bin, "start"], {
      encoding: "utf8",
      env: { ...process.env, DATABASE_URL: database.url(), GANTRY_TRUSTED_PROXIES: "10.0.0.0/8, proxy.internal" },
      timeout: 60_000,
    });
    expect({ code: result.status, stdout: result.stdout }).toEqual({ code: 1, stdout: "" });
    expect(result.stderr).toMatch(
      /^gantry start: GANTRY_TRUSTED_PROXIES: "proxy.internal" is not a CIDR or an address/,
    );
  });

  it.each([
    [
      "GANTRY_WEB_PROCESSES",
      "lots",
      /^gantry start: GANTRY_WEB_PROCESSES must be a whole number from 1 to 16 \(got "lots"\)/,
    ],
    ["GANTRY_DB_POOL_SIZE", "0", /^gantry start: GANTRY_DB_POOL_SIZE must be a whole number from 1 to 200 \(got "0"\)/],
  ])("refuses to start with a bad %s, naming the variable and what it takes", (name, value, message) => {
    const result = spawnSync(process.execPath, [bin, "start"], {
      encoding: "utf8",
      env: { ...process.env, DATABASE_URL: database.url(), [name]: value },
      timeout: 60_000,
    });
    expect({ code: result.status, stdout: result.stdout }).toEqual({ code: 1, stdout: "" });
    expect(result.stderr).toMatch(message);
  });

  it("runs a worker at a lower CPU priority than the console (niceness 10 by default)", async () => {
    const worker = spawn(process.execPath, [bin, "worker"], {
      env: {
        ...process.env,
        DATABASE_URL: database.url(),
        GANTRY_SECRET_KEY: crypto.randomBytes(32).toString("base64"),
        GANTRY_LOG_LEVEL: "silent",
      },
      stdio: ["ignore", "ignore", "pipe"],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        let output = "";
        worker.stderr.on("data", (chunk: Buffer) => {
          output += chunk.toString();
          if (/worker \S+ started/.test(output)) resolve();
        });
        worker.once("exit", (code) => reject(new Error(`worker exited (${code}): ${output}`)));
      });
      expect(os.getPriority(worker.pid)).toBe(Math.max(10, os.getPriority()));
    } finally {
      const exited = new Promise((resolve) => worker.once("exit", resolve));
      worker.kill("SIGTERM");
      await exited;
    }
  });
});
