import { describe, expect, it } from "vitest";
import { guardedLookup, isForbiddenAddress } from "./address-policy";

describe("address policy", () => {
  it.each([
    ["169.254.169.254", true],
    ["169.254.1.1", true],
    ["[fe80::1]", true],
    ["fd00:ec2::254", true],
    ["::ffff:169.254.169.254", true],
    ["127.0.0.1", false],
    ["10.0.0.5", false],
    ["::1", false],
    ["registry.example.com", false],
  ])("%s forbidden: %s", (address, forbidden) => {
    expect(isForbiddenAddress(address)).toBe(forbidden);
  });

  it("resolves allowed names as dns.lookup does", async () => {
    const one = await new Promise((resolve, reject) =>
      guardedLookup("localhost", {}, (e, address) => (e ? reject(e) : resolve(address))),
    );
    expect(one).toMatch(/^(127\.0\.0\.1|::1)$/);
    const all = await new Promise((resolve, reject) =>
      guardedLookup("localhost", { all: true }, (e, address) => (e ? reject(e) : resolve(address))),
    );
    expect(Array.isArray(all)).toBe(true);
  });
});
