import type http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { parseTrustedProxies } from "@/lib/http/client-address";
import { createWebServer } from "./create-web-server";

// The handler stands in for Next: it answers the address headers the app would read.
const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function serve(trustedProxies: string | undefined): Promise<string> {
  const server = createWebServer({
    trusted: parseTrustedProxies(trustedProxies),
    handle: async (request, response) => {
      const raw = request.rawHeaders.filter((name, i) => i % 2 === 0 && /^x-gantry-client-address$/i.test(name));
      response.setHeader("content-type", "application/json");
      response.end(
        JSON.stringify({ stamped: request.headers["x-gantry-client-address"] ?? null, rawCopies: raw.length }),
      );
    },
    onError: () => {},
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

async function seen(url: string, headers: Record<string, string>) {
  return (await (await fetch(url, { headers })).json()) as { stamped: string | null; rawCopies: number };
}

describe("createWebServer", () => {
  it("stamps the peer address, whatever X-Forwarded-For, X-Real-IP or a forged stamp say, when no proxy is trusted", async () => {
    const url = await serve(undefined);
    const forged = {
      "x-forwarded-for": "203.0.113.50",
      "x-real-ip": "203.0.113.51",
      "x-gantry-client-address": "6.6.6.6",
    };
    expect(await seen(url, forged)).toEqual({ stamped: "127.0.0.1", rawCopies: 1 });
    expect(await seen(url, {})).toEqual({ stamped: "127.0.0.1", rawCopies: 1 });
  });

  it("stamps the forwarded client when the peer is a trusted proxy, and still drops a forged stamp", async () => {
    const url = await serve("127.0.0.1/32");
    const headers = { "x-forwarded-for": "198.51.100.1, 203.0.113.7", "x-gantry-client-address": "6.6.6.6" };
    expect(await seen(url, headers)).toEqual({ stamped: "203.0.113.7", rawCopies: 1 });
    expect(await seen(url, { "x-gantry-client-address": "6.6.6.6" })).toEqual({ stamped: "127.0.0.1", rawCopies: 1 });
  });

  it("answers 500 when the handler throws, and keeps serving", async () => {
    const errors: unknown[] = [];
    const server = createWebServer({
      trusted: parseTrustedProxies(undefined),
      handle: async () => {
        throw new Error("boom");
      },
      onError: (error) => errors.push(error),
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const answers = [await fetch(url), await fetch(url)];
    expect(answers.map((a) => a.status)).toEqual([500, 500]);
    expect(await answers[0]?.text()).toBe("Internal Server Error");
    expect(errors).toHaveLength(2);
  });
});
