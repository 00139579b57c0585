import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as createUserRoute } from "@/app/api/v1/users/route";
import { createApiToken } from "@/lib/auth/api-tokens";
import { runChange, type Caller } from "@/lib/change/run-change";
import { setupTestDatabase } from "@/test/support/database";
import { proofLog } from "./support/proof-results";

// /api/v1 requests a browser or a stranger can send: a cross-site form riding the session
// cookie, text/plain bodies parsed as JSON, and bodies far larger than any change needs.
const database = setupTestDatabase();
const proof = proofLog("api-requests", "hardening");
const root: Caller = { userId: null, email: "root@example.com", role: "admin" };
const noParams = { params: Promise.resolve({}) };
let adminToken = "";
const newUser = (email: string) => JSON.stringify({ email, role: "admin", password: "attacker-password-1" });

beforeAll(async () => {
  await database.db().user.create({ data: { email: "api-admin@example.com", role: "admin" } });
  const result = await runChange(
    createApiToken,
    root,
    { email: "api-admin@example.com", name: "script", role: "admin" },
    { ip: null, userAgent: "vitest" },
  );
  if (!result.ok) throw new Error(result.error);
  adminToken = result.data.token;
});
afterAll(() => proof.write());

/** A body that counts what the server pulls from it: `size` bytes in 64 KiB chunks. */
function countingBody(size: number) {
  const counter = { pulled: 0 };
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (counter.pulled >= size) return controller.close();
      counter.pulled += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  return { stream, counter };
}

function post(headers: Record<string, string>, body: BodyInit | null) {
  return new Request("http://localhost:3000/api/v1/users", {
    method: "POST",
    headers: { host: "localhost:3000", ...headers },
    body,
    duplex: "half",
  } as RequestInit);
}

describe("CSRF on /api/v1 with the session cookie", () => {
  it("a form from another port of the same host, riding the cookie, creates no admin", async () => {
    const cases = [
      { origin: "http://localhost:4000", type: "text/plain" },
      { origin: "http://localhost:4000", type: "application/json" },
      { origin: null, type: "text/plain" },
    ];
    for (const [i, { origin, type }] of cases.entries()) {
      const response = await createUserRoute(
        post(
          {
            cookie: "next-auth.session-token=stolen-by-the-browser",
            "content-type": type,
            ...(origin ? { origin } : {}),
          },
          newUser(`csrf-${i}@example.com`),
        ),
        noParams,
      );
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({
        error: { fields: { origin: "expected the console's own origin" } },
      });
    }
    expect(await database.db().user.count({ where: { email: { startsWith: "csrf-" } } })).toBe(0);
    proof.add({
      area: "CSRF",
      tried:
        "POST /api/v1/users with the session cookie from http://localhost:4000 (text/plain and JSON) and with no Origin",
      cases: cases.length,
      outcome: "403 naming the origin before the session is read; no user created",
    });
  });

  it("a text/plain body is refused with 415, even with a Bearer token", async () => {
    const response = await createUserRoute(
      post({ authorization: `Bearer ${adminToken}`, "content-type": "text/plain" }, newUser("plain@example.com")),
      noParams,
    );
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ error: { fields: { body: "expected application/json" } } });
    expect(await database.db().user.count({ where: { email: "plain@example.com" } })).toBe(0);
    const ok = await createUserRoute(
      post({ authorization: `Bearer ${adminToken}`, "content-type": "application/json" }, newUser("json@example.com")),
      noParams,
    );
    expect(ok.status).toBe(201);
    proof.add({
      area: "CSRF",
      tried: "POST /api/v1/users with a text/plain JSON-looking body (Bearer token), then the same as application/json",
      cases: 2,
      outcome: "415 naming the body; the application/json one is created (201)",
    });
  });
});

describe("body limits on /api/v1", () => {
  it("an unauthenticated POST gets 401 without its body being read", async () => {
    const { stream, counter } = countingBody(200 * 1024 * 1024);
    const response = await createUserRoute(post({ "content-type": "application/json" }, stream), noParams);
    expect(response.status).toBe(401);
    expect(counter.pulled).toBeLessThanOrEqual(128 * 1024);
    proof.add({
      area: "body limits",
      tried: "unauthenticated POST /api/v1/users streaming a 200 MB body",
      cases: 1,
      outcome: `401 after ${counter.pulled} bytes pulled (the stream's first buffered chunks at most)`,
    });
  });

  it("an authenticated POST over 1 MB is refused with 413: before reading when declared, while counting otherwise", async () => {
    const declared = countingBody(200 * 1024 * 1024);
    const first = await createUserRoute(
      post(
        {
          authorization: `Bearer ${adminToken}`,
          "content-type": "application/json",
          "content-length": String(200 * 1024 * 1024),
        },
        declared.stream,
      ),
      noParams,
    );
    expect(first.status).toBe(413);
    expect(declared.counter.pulled).toBeLessThanOrEqual(128 * 1024);
    const streamed = countingBody(200 * 1024 * 1024);
    const second = await createUserRoute(
      post({ authorization: `Bearer ${adminToken}`, "content-type": "application/json" }, streamed.stream),
      noParams,
    );
    expect(second.status).toBe(413);
    expect(await second.json()).toMatchObject({ error: { fields: { body: "expected at most 1048576 bytes" } } });
    expect(streamed.counter.pulled).toBeLessThanOrEqual(1024 * 1024 + 256 * 1024);
    proof.add({
      area: "body limits",
      tried: "admin POST /api/v1/users of 200 MB: with Content-Length, and streamed without one",
      cases: 2,
      outcome: `413 both; ${declared.counter.pulled} and ${streamed.counter.pulled} bytes pulled (limit 1 MiB)`,
    });
  });
});
