import { describe, expect, it } from "vitest";
import { clientAddress, normalizeAddress, parseTrustedProxies } from "./client-address";

const nobody = parseTrustedProxies(undefined);

describe("parseTrustedProxies", () => {
  it("matches IPv4 and IPv6 CIDRs and single addresses", () => {
    const trusted = parseTrustedProxies(" 10.0.0.0/8, 192.0.2.10 ,2001:db8::/32,::1");
    expect(
      ["10.0.0.1", "10.255.255.255", "192.0.2.10", "2001:db8::1", "2001:db8:ffff::9", "::1"].map(trusted.contains),
    ).toEqual([true, true, true, true, true, true]);
    expect(["11.0.0.1", "192.0.2.11", "2001:db9::1", "::2", "127.0.0.1"].map(trusted.contains)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it("trusts nobody when unset or empty, and /0 trusts everybody of that family", () => {
    expect(nobody.contains("127.0.0.1")).toBe(false);
    expect(parseTrustedProxies(" , ").contains("10.0.0.1")).toBe(false);
    const all4 = parseTrustedProxies("0.0.0.0/0");
    expect([all4.contains("203.0.113.9"), all4.contains("2001:db8::1")]).toEqual([true, false]);
  });

  it("reads an IPv4-mapped CIDR as the IPv4 range it names", () => {
    const trusted = parseTrustedProxies("::ffff:10.0.0.0/104");
    expect([trusted.contains("10.9.9.9"), trusted.contains("11.0.0.1")]).toEqual([true, false]);
  });

  it.each(["10.0.0.0/33", "2001:db8::/129", "proxy.example.com", "10.0.0/8", "10.0.0.0/8/8", "10.0.0.0/x", "01.2.3.4"])(
    "refuses %s, naming the variable and the entry",
    (entry) => {
      expect(() => parseTrustedProxies(`10.0.0.0/8,${entry}`)).toThrow(
        `GANTRY_TRUSTED_PROXIES: "${entry}" is not a CIDR or an address`,
      );
    },
  );
});

describe("normalizeAddress", () => {
  it.each([
    ["::ffff:1.2.3.4", "1.2.3.4"],
    ["::FFFF:7f00:1", "127.0.0.1"],
    ["0:0:0:0:0:ffff:c000:0201", "192.0.2.1"],
    ["2001:DB8:0:0::1", "2001:db8::1"],
    ["[2001:db8::1]:443", "2001:db8::1"],
    ["192.0.2.1:8080", "192.0.2.1"],
    ["fe80::1%eth0", "fe80::1"],
    [" 203.0.113.7 ", "203.0.113.7"],
  ])("%s → %s", (raw, normal) => {
    expect(normalizeAddress(raw)).toBe(normal);
  });

  it.each(["unknown", "", "1.2.3", "example.com", "1.2.3.4.5", "[::1"])("%s is not an address", (raw) => {
    expect(normalizeAddress(raw)).toBeNull();
  });
});

describe("clientAddress", () => {
  const proxies = parseTrustedProxies("10.0.0.0/8,2001:db8:cafe::/48");

  it("takes the peer and ignores a spoofed X-Forwarded-For when the peer is not a trusted proxy", () => {
    expect(clientAddress({ peer: "203.0.113.7", forwardedFor: "1.1.1.1", trusted: proxies })).toBe("203.0.113.7");
    expect(clientAddress({ peer: "127.0.0.1", forwardedFor: "198.51.100.1, 10.0.0.1", trusted: nobody })).toBe(
      "127.0.0.1",
    );
  });

  it("takes the peer when a trusted proxy sent no X-Forwarded-For", () => {
    expect(clientAddress({ peer: "10.0.0.5", forwardedFor: undefined, trusted: proxies })).toBe("10.0.0.5");
  });

  it("walks the chain from the right past trusted proxies to the first untrusted hop", () => {
    // The client claimed 1.1.1.1; its real address 198.51.100.4 was appended by the first proxy.
    const forwardedFor = "1.1.1.1, 198.51.100.4, 10.1.1.1, 10.2.2.2";
    expect(clientAddress({ peer: "10.0.0.5", forwardedFor, trusted: proxies })).toBe("198.51.100.4");
  });

  it("reads several X-Forwarded-For headers as one list, in order", () => {
    const forwardedFor = ["1.1.1.1, 198.51.100.4", "10.1.1.1"];
    expect(clientAddress({ peer: "10.0.0.5", forwardedFor, trusted: proxies })).toBe("198.51.100.4");
  });

  it("normalises IPv4-mapped peers and hops before matching and answering", () => {
    expect(clientAddress({ peer: "::ffff:10.0.0.5", forwardedFor: "::ffff:198.51.100.4", trusted: proxies })).toBe(
      "198.51.100.4",
    );
    expect(clientAddress({ peer: "::ffff:203.0.113.7", forwardedFor: "1.1.1.1", trusted: nobody })).toBe("203.0.113.7");
  });

  it("handles IPv6 proxies and clients", () => {
    const forwardedFor = "2001:db8:1::7, [2001:db8:cafe::2]:8443";
    expect(clientAddress({ peer: "2001:db8:cafe::1", forwardedFor, trusted: proxies })).toBe("2001:db8:1::7");
  });

  it("takes the leftmost hop when every hop is a trusted proxy", () => {
    expect(clientAddress({ peer: "10.0.0.5", forwardedFor: "10.9.9.9, 10.1.1.1", trusted: proxies })).toBe("10.9.9.9");
  });

  it("stops at the proxy that forwarded something that is not an address", () => {
    expect(clientAddress({ peer: "10.0.0.5", forwardedFor: "1.1.1.1, unknown, 10.1.1.1", trusted: proxies })).toBe(
      "10.1.1.1",
    );
  });

  it("is unknown without a peer address", () => {
    expect(clientAddress({ peer: undefined, forwardedFor: "1.1.1.1", trusted: proxies })).toBeNull();
  });
});
