import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runChange, type Caller } from "@/lib/change/run-change";
import { createConnection } from "@/lib/connections/create-connection";
import { testSavedConnection } from "@/lib/connections/test-saved-connection";
import { createChannel } from "@/lib/releases/create-channel";
import { syncChannel } from "@/lib/releases/sync-channel";
import { postWebhook } from "@/lib/webhooks/post-webhook";
import { setupTestDatabase } from "@/test/support/database";
import { proofLog } from "./support/proof-results";

// SSRF through a registry's answers: with loopback registries allowed (the registry itself is on
// 127.0.0.1), a malicious registry redirects Gantry, or names a token realm, at another service
// of this machine written as 0.0.0.0 or ::ffff:7f00:1. That service must get no request and no
// credentials, and nothing it says may land in what viewers read (lastSyncError, lastCheck).
process.env.GANTRY_SECRET_KEY = crypto.randomBytes(32).toString("base64");
process.env.GANTRY_ALLOW_LOOPBACK_REGISTRIES = "1";
const database = setupTestDatabase();
const proof = proofLog("ssrf-redirects", "hardening");
const admin: Caller = { userId: null, email: "ssrf-redirect-admin@example.com", role: "admin" };
const client = { ip: null, userAgent: "proof/ssrf-redirects" };
const PASSWORD = "registry-pass-7d1f";
const INTERNAL_BODY = "INTERNAL-SERVICE-ANSWER-5c2a";

interface Recorded {
  url: string;
  authorization?: string;
}
let internal: http.Server;
let evil: http.Server;
const internalRequests: Recorded[] = [];
let internalPort = 0;
let evilHost = "";
/** What the malicious registry does: redirect reads elsewhere, or name a realm. */
let behaviour: { kind: "redirect"; location: string } | { kind: "realm"; realm: string } = {
  kind: "redirect",
  location: "",
};

async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  internal = http.createServer((request, response) => {
    internalRequests.push({ url: request.url ?? "", authorization: request.headers.authorization });
    response.writeHead(500, { "content-type": "text/plain" }).end(INTERNAL_BODY);
  });
  internalPort = await listen(internal);
  evil = http.createServer((request, response) => {
    if (behaviour.kind === "realm") {
      response
        .writeHead(401, { "www-authenticate": `Bearer realm="${behaviour.realm}",service="evil"` })
        .end('{"errors":[{"code":"UNAUTHORIZED","message":"auth"}]}');
      return;
    }
    if (request.url === "/v2/" || request.url === "/v2") return void response.writeHead(200).end("{}");
    response.writeHead(302, { location: behaviour.location }).end();
  });
  evilHost = `127.0.0.1:${await listen(evil)}`;
});

afterAll(async () => {
  await new Promise((resolve) => evil?.close(resolve));
  await new Promise((resolve) => internal?.close(resolve));
  proof.write();
});

async function evilConnection(name: string): Promise<string> {
  const created = await runChange(
    createConnection,
    admin,
    {
      name,
      provider: "generic",
      endpoint: evilHost,
      insecure: true,
      auth: { kind: "basic", username: "gantry", password: PASSWORD },
    },
    client,
  );
  if (!created.ok) throw new Error(created.error);
  return created.data.id;
}

/** Syncs a channel of the connection and tests the connection; returns what viewers can read. */
async function syncAndTest(registryId: string): Promise<{ lastSyncError: string; lastCheck: string }> {
  const channel = await runChange(
    createChannel,
    admin,
    {
      name: `evil-${crypto.randomBytes(4).toString("hex")}`,
      sourceRegistryId: registryId,
      components: ["vendor/api"],
      tagPattern: ".*",
      ordering: "semver",
    },
    client,
  );
  if (!channel.ok) throw new Error(channel.error);
  await runChange(syncChannel, admin, { id: channel.data.id }, client);
  await runChange(testSavedConnection, admin, { id: registryId, purpose: "source" }, client);
  const row = await database.db().releaseChannel.findUniqueOrThrow({ where: { id: channel.data.id } });
  const registry = await database.db().registry.findUniqueOrThrow({ where: { id: registryId } });
  return { lastSyncError: row.lastSyncError ?? "", lastCheck: JSON.stringify(registry.lastCheckResult) };
}

describe("SSRF: redirects and token realms from a malicious registry", () => {
  const cases = [
    { label: "302 to http://0.0.0.0:<internal>/", make: () => `http://0.0.0.0:${internalPort}/`, kind: "redirect" },
    {
      label: "302 to http://[::ffff:7f00:1]:<internal>/",
      make: () => `http://[::ffff:7f00:1]:${internalPort}/`,
      kind: "redirect",
    },
    {
      label: "302 to http://[64:ff9b::7f00:1]:<internal>/ (NAT64)",
      make: () => `http://[64:ff9b::7f00:1]:${internalPort}/`,
      kind: "redirect",
    },
    {
      label: 'realm="http://0.0.0.0:<internal>/token"',
      make: () => `http://0.0.0.0:${internalPort}/token`,
      kind: "realm",
    },
    {
      label: 'realm="http://[::ffff:127.0.0.1]:<internal>/token"',
      make: () => `http://[::ffff:127.0.0.1]:${internalPort}/token`,
      kind: "realm",
    },
  ] as const;

  for (const { label, make, kind } of cases) {
    it(`${label}: the internal service gets no request and no credentials, and says nothing to viewers`, async () => {
      behaviour = kind === "redirect" ? { kind, location: make() } : { kind, realm: make() };
      internalRequests.length = 0;
      const id = await evilConnection(`evil-${label.replace(/\W+/g, "-")}`);
      const { lastSyncError, lastCheck } = await syncAndTest(id);
      expect(internalRequests).toEqual([]);
      expect(lastSyncError).toMatch(/refusing/);
      for (const text of [lastSyncError, lastCheck]) {
        expect(text).not.toContain(INTERNAL_BODY);
        expect(text).not.toContain(PASSWORD);
      }
      proof.add({
        area: "SSRF",
        tried: `malicious registry on 127.0.0.1 (loopback registries allowed) answering ${label}: channel sync and connection test`,
        cases: 2,
        outcome: `internal service got 0 requests and no credentials; lastSyncError: "${lastSyncError.slice(0, 160)}"`,
      });
    });
  }
});

describe("SSRF: webhooks under the same policy", () => {
  it("a webhook URL at ::ffff:7f00:1 or 0.0.0.0 is refused even with loopback webhooks allowed", async () => {
    process.env.GANTRY_ALLOW_LOOPBACK_WEBHOOKS = "1";
    internalRequests.length = 0;
    try {
      const outcomes = [];
      for (const url of [`http://[::ffff:7f00:1]:${internalPort}/hook`, `http://0.0.0.0:${internalPort}/hook`]) {
        outcomes.push(await postWebhook(url, "{}", { "content-type": "application/json" }));
      }
      expect(internalRequests).toEqual([]);
      expect(outcomes.map((o) => o.ok)).toEqual([false, false]);
      expect(outcomes[0]!.error).toMatch(/::ffff:7f00:1 is a loopback address \(127\.0\.0\.1, written as IPv6\)/);
      proof.add({
        area: "SSRF",
        tried:
          "webhook URLs http://[::ffff:7f00:1]:<internal>/ and http://0.0.0.0:<internal>/ with GANTRY_ALLOW_LOOPBACK_WEBHOOKS=1",
        cases: 2,
        outcome: `not sent, internal service got 0 requests: "${outcomes[0]!.error}"`,
      });
    } finally {
      delete process.env.GANTRY_ALLOW_LOOPBACK_WEBHOOKS;
    }
  });
});
