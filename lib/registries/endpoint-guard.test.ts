import type { LookupAddress } from "node:dns";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EndpointRefusedError, EndpointUnresolvedError } from "./errors";
import { guardedLookup, loopbackAllowed, refusalOf, resolveAllowedAddresses } from "./endpoint-guard";

let server: Server;
let port: number;

beforeAll(async () => {
  server = createServer((_req, res) => res.end("ok"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("endpoint guard", () => {
  it("refuses metadata, link-local, unspecified and multicast addresses, and loopback unless allowed", () => {
    expect(refusalOf("169.254.169.254")).toBe("a cloud metadata service address");
    expect(refusalOf("169.254.170.2")).toBe("a cloud metadata service address");
    expect(refusalOf("fd00:ec2::254")).toBe("a cloud metadata service address");
    expect(refusalOf("::ffff:169.254.169.254")).toBe(
      "a cloud metadata service address (169.254.169.254, written as IPv6)",
    );
    expect(refusalOf("169.254.10.20")).toBe("a link-local address");
    expect(refusalOf("fe80::1")).toBe("a link-local address");
    expect(refusalOf("fe80::1%eth0")).toBe("a link-local address");
    expect(refusalOf("0.0.0.0")).toBe("the unspecified address");
    expect(refusalOf("::")).toBe("the unspecified address");
    expect(refusalOf("239.1.2.3")).toBe("a multicast or reserved address");
    expect(refusalOf("127.0.0.1", { allowLoopback: false })).toMatch(/^a loopback address/);
    expect(refusalOf("::1", { allowLoopback: false })).toMatch(/^a loopback address/);
    expect(refusalOf("127.0.0.1", { allowLoopback: true })).toBeUndefined();
  });

  it("allows private and public addresses: self-hosted registries live there", () => {
    for (const address of [
      "10.0.0.5",
      "172.16.4.2",
      "192.168.1.10",
      "100.64.0.1",
      "fd12:3456::1",
      "8.8.8.8",
      "2001:db8::1",
    ]) {
      expect(refusalOf(address, { allowLoopback: false })).toBeUndefined();
    }
  });

  it("reads the loopback switch from GANTRY_ALLOW_LOOPBACK_REGISTRIES", () => {
    expect(loopbackAllowed({ GANTRY_ALLOW_LOOPBACK_REGISTRIES: "1" })).toBe(true);
    expect(loopbackAllowed({ GANTRY_ALLOW_LOOPBACK_REGISTRIES: "true" })).toBe(false);
    expect(loopbackAllowed({})).toBe(false);
  });

  it("refuses a name when any of its addresses is refused", async () => {
    const resolve = async (): Promise<LookupAddress[]> => [
      { address: "10.0.0.5", family: 4 },
      { address: "169.254.169.254", family: 4 },
    ];
    const error = await resolveAllowedAddresses("registry.corp.test", { resolve }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EndpointRefusedError);
    expect(error).toMatchObject({ kind: "denied", code: "ENDPOINT_REFUSED", host: "registry.corp.test" });
    expect((error as Error).message).toBe(
      "registry.corp.test resolves to 169.254.169.254, a cloud metadata service address: Gantry does not connect there",
    );
    await expect(
      resolveAllowedAddresses("registry.corp.test", { resolve: async () => [{ address: "10.0.0.5", family: 4 }] }),
    ).resolves.toEqual([{ address: "10.0.0.5", family: 4 }]);
    await expect(resolveAllowedAddresses("Metadata.Google.Internal.")).rejects.toThrow("is a cloud metadata service");
    await expect(resolveAllowedAddresses("no-such-registry.invalid")).rejects.toBeInstanceOf(EndpointUnresolvedError);
  });

  it("refuses at connect time a name that pointed somewhere allowed when it was checked", async () => {
    const answers = ["127.0.0.1", "169.254.169.254"];
    const guard = {
      allowLoopback: true,
      resolve: async (): Promise<LookupAddress[]> => [{ address: answers.shift() ?? "169.254.169.254", family: 4 }],
    };
    await resolveAllowedAddresses("rebind.test", guard);
    const agent = new Agent({ connect: { lookup: guardedLookup(guard) } });
    try {
      const error = await request(`http://rebind.test:${port}/`, { dispatcher: agent }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EndpointRefusedError);
      expect((error as Error).message).toBe(
        "rebind.test resolves to 169.254.169.254, a cloud metadata service address: Gantry does not connect there",
      );

      const allowed = new Agent({
        connect: {
          lookup: guardedLookup({ allowLoopback: true, resolve: async () => [{ address: "127.0.0.1", family: 4 }] }),
        },
      });
      const response = await request(`http://registry.test:${port}/`, { dispatcher: allowed });
      expect(await response.body.text()).toBe("ok");
      await allowed.close();
    } finally {
      await agent.close();
    }
  });
});
