import { describe, expect, it } from "vitest";
import { addressRefusal, guardedLookup, hostRefusal } from "./address-policy";

describe("address policy", () => {
  it.each([
    ["169.254.169.254", "a cloud metadata service address"],
    ["100.100.100.200", "a cloud metadata service address"],
    ["168.63.129.16", "a cloud metadata service address"],
    ["fd00:ec2::254", "a cloud metadata service address"],
    ["169.254.1.1", "a link-local address"],
    ["[fe80::1]", "a link-local address"],
    ["0.0.0.0", "the unspecified address"],
    ["::", "the unspecified address"],
    ["127.0.0.1", "a loopback address"],
    ["::1", "a loopback address"],
    ["::ffff:169.254.169.254", "a cloud metadata service address (169.254.169.254, written as IPv6)"],
    ["[::ffff:7f00:1]", "a loopback address (127.0.0.1, written as IPv6)"],
    ["::ffff:0:0", "the unspecified address (0.0.0.0, written as IPv6)"],
    ["64:ff9b::a9fe:a9fe", "a cloud metadata service address (169.254.169.254, written as IPv6)"],
    ["64:ff9b::127.0.0.1", "a loopback address (127.0.0.1, written as IPv6)"],
    ["10.0.0.5", undefined],
    ["::ffff:10.0.0.5", undefined],
    ["2001:db8::1", undefined],
    ["registry.example.com", undefined],
  ])("%s: %s", (address, why) => {
    expect(addressRefusal(address)).toBe(why);
  });

  it("allows loopback only when told, and never loopback written as IPv6", () => {
    expect(addressRefusal("127.0.0.1", { allowLoopback: true })).toBeUndefined();
    expect(addressRefusal("::1", { allowLoopback: true })).toBeUndefined();
    expect(addressRefusal("::ffff:127.0.0.1", { allowLoopback: true })).toMatch(/loopback/);
    expect(addressRefusal("0.0.0.0", { allowLoopback: true })).toMatch(/unspecified/);
    expect(hostRefusal("[::ffff:7f00:1]", { allowLoopback: true })).toBe(
      "::ffff:7f00:1 is a loopback address (127.0.0.1, written as IPv6)",
    );
  });

  it("resolves allowed names as dns.lookup does, and refuses loopback names unless allowed", async () => {
    const lookup = (policy: { allowLoopback?: boolean }, all: boolean) =>
      new Promise((resolve, reject) =>
        guardedLookup(policy)("localhost", { all }, (e, address) => (e ? reject(e) : resolve(address))),
      );
    expect(await lookup({ allowLoopback: true }, false)).toMatch(/^(127\.0\.0\.1|::1)$/);
    expect(Array.isArray(await lookup({ allowLoopback: true }, true))).toBe(true);
    await expect(lookup({}, false)).rejects.toMatchObject({ code: "ERR_GANTRY_FORBIDDEN_ADDRESS" });
  });
});
