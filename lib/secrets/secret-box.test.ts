import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { SecretBox } from "./secret-box";

const box = new SecretBox(crypto.randomBytes(32));

describe("SecretBox", () => {
  it("seals and opens a secret, never storing it in the clear", () => {
    const sealed = box.seal("hunter2-canary", "registry-1");
    expect(sealed).toMatch(/^v1\.[0-9a-f]{12}\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain("hunter2");
    expect(box.open(sealed, "registry-1")).toBe("hunter2-canary");
  });

  it("uses a fresh IV each time", () => {
    expect(box.seal("same", "ctx")).not.toBe(box.seal("same", "ctx"));
  });

  it("refuses a value moved to another record, or altered", () => {
    const sealed = box.seal("secret", "registry-1");
    expect(() => box.open(sealed, "registry-2")).toThrow(/integrity check/);
    const parts = sealed.split(".");
    parts[4] = Buffer.from("tampered").toString("base64url");
    expect(() => box.open(parts.join("."), "registry-1")).toThrow(/integrity check/);
  });

  it("says which key sealed a value when the configured key differs", () => {
    const other = new SecretBox(crypto.randomBytes(32));
    expect(() => other.open(box.seal("secret", "r"), "r")).toThrow(new RegExp(`sealed with key ${box.keyId}`));
  });

  it("names the variable and what it expects for a bad key", () => {
    expect(() => SecretBox.fromBase64(undefined)).toThrow(/GANTRY_SECRET_KEY is not set/);
    expect(() => SecretBox.fromBase64(Buffer.alloc(16).toString("base64"))).toThrow(/32 bytes in base64.*got 16 bytes/);
  });
});
