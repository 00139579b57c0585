import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runChange, type Caller } from "@/lib/change/run-change";
import { createConnection } from "@/lib/connections/create-connection";
import { openRegistrySecret } from "@/lib/connections/registry-secret";
import { SecretBox } from "@/lib/secrets/secret-box";
import { setupTestDatabase } from "@/test/support/database";

const database = setupTestDatabase();
const bin = path.join(process.cwd(), "bin", "gantry");
const folder = fs.mkdtempSync(path.join(os.tmpdir(), "gantry-secrets-"));
const firstKey = crypto.randomBytes(32).toString("base64");
fs.writeFileSync(path.join(folder, "secret.key"), `${firstKey}\n`, { mode: 0o600 });
process.env.GANTRY_SECRET_KEY = firstKey;
const admin: Caller = { userId: null, email: "admin@example.com", role: "admin" };

function gantry(args: string[], env: Record<string, string> = {}) {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(base)) if (key.startsWith("GANTRY_")) delete base[key];
  const result = spawnSync(process.execPath, [bin, ...args], {
    encoding: "utf8",
    env: { ...base, DATABASE_URL: database.url(), GANTRY_DATA_DIR: folder, GANTRY_LOG_LEVEL: "silent", ...env },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const secretOf = async (name: string, key: string) => {
  const row = await database.db().registry.findUniqueOrThrow({ where: { name } });
  return openRegistrySecret(row.id, row.secretCiphertext!, SecretBox.fromBase64(key));
};

beforeAll(async () => {
  const body = {
    name: "lab",
    provider: "generic",
    endpoint: "10.0.0.5:5000",
    auth: { kind: "basic", username: "ci", password: "lab-password" },
  };
  const created = await runChange(createConnection, admin, body, { ip: null, userAgent: "vitest" });
  if (!created.ok) throw new Error(created.error);
});
afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

describe("gantry secrets rotate", () => {
  it("in embedded mode, moves the secrets and then the data folder's key to a new one", async () => {
    const result = gantry(["secrets", "rotate"]);
    expect(result).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(
        /^re-sealed 1 secret\(s\) under key [0-9a-f]{12}; .*secret\.key holds the new key\. Restart Gantry/,
      ),
    });
    const newKey = fs.readFileSync(path.join(folder, "secret.key"), "utf8").trim();
    expect(newKey).not.toBe(firstKey);
    expect(fs.statSync(path.join(folder, "secret.key")).mode & 0o777).toBe(0o600);
    expect(fs.existsSync(path.join(folder, "secret.key.next"))).toBe(false);
    expect(await secretOf("lab", newKey)).toBe("lab-password");
    await expect(secretOf("lab", firstKey)).rejects.toThrow(/sealed with key/);
    expect(result.stdout + result.stderr).not.toContain(newKey);
  });

  it("with GANTRY_SECRET_KEY set, prints only the new key and leaves the data folder alone", async () => {
    const current = fs.readFileSync(path.join(folder, "secret.key"), "utf8").trim();
    const given = crypto.randomBytes(32).toString("base64");
    const result = gantry(["secrets", "rotate", "--new-key", given], { GANTRY_SECRET_KEY: current });
    expect(result).toMatchObject({
      code: 0,
      stdout: `${given}\n`,
      stderr: expect.stringContaining("Set GANTRY_SECRET_KEY to the key above"),
    });
    expect(fs.readFileSync(path.join(folder, "secret.key"), "utf8").trim()).toBe(current);
    expect(await secretOf("lab", given)).toBe("lab-password");
  });

  it("refuses a malformed key and a command it does not know, with exit code 2", () => {
    expect(gantry(["secrets", "rotate", "--new-key", "short"])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("--new-key must be 32 random bytes in base64"),
    });
    expect(gantry(["secrets", "show"])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("expected `secrets rotate`"),
    });
  });

  it("exits 1 and changes nothing when the current key does not open the secrets", async () => {
    const before = await database.db().registry.findUniqueOrThrow({ where: { name: "lab" } });
    const result = gantry(["secrets", "rotate"], { GANTRY_SECRET_KEY: crypto.randomBytes(32).toString("base64") });
    expect(result).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/registry lab: its secret opens with none of the keys given/),
    });
    expect((await database.db().registry.findUniqueOrThrow({ where: { name: "lab" } })).secretCiphertext).toBe(
      before.secretCiphertext,
    );
  });
});
