import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken, revokeApiToken } from "@/lib/auth/api-tokens";
import { runChange, type Caller } from "@/lib/change/run-change";
import { proofLog } from "@/test/proof/support/proof-results";
import { setupTestDatabase } from "@/test/support/database";
import { seedRelease } from "@/test/support/seed-release";
import { GET } from "./route";

// Short heartbeats, so "ends within one heartbeat" is quick to see.
process.env.GANTRY_EVENTS_HEARTBEAT_SECONDS = "0.5";
const database = setupTestDatabase();
const proof = proofLog("event-stream-revocation", "hardening");
afterAll(() => proof.write());
const cli: Caller = { userId: null, email: "cli", role: "admin" };
const client = { ip: null, userAgent: "vitest" };
let promotionId: string;
let token: { id: string; token: string };

beforeAll(async () => {
  const db = database.db();
  const { releaseId, targetRegistryId } = await seedRelease(db);
  promotionId = (
    await db.promotion.create({
      data: { releaseId, targetRegistryId, repositoryMapping: {}, status: "queued" },
    })
  ).id;
  await db.user.create({ data: { email: "watcher@example.com", role: "viewer" } });
  const created = await runChange(createApiToken, cli, { email: "watcher@example.com", name: "dashboard" }, client);
  if (!created.ok) throw new Error(created.error);
  token = created.data;
});

describe("GET /api/v1/promotions/{id}/events", () => {
  it("ends within one heartbeat once its API token is revoked", async () => {
    const abort = new AbortController();
    const response = await GET(
      new Request(`http://gantry.test/api/v1/promotions/${promotionId}/events`, {
        headers: { authorization: `Bearer ${token.token}` },
        signal: abort.signal,
      }),
      { params: Promise.resolve({ id: promotionId }) },
    );
    expect(response.status).toBe(200);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let received = "";
    const readUntil = async (done: (text: string) => boolean, timeoutMs: number): Promise<"closed" | "seen"> => {
      const deadline = Date.now() + timeoutMs;
      while (!done(received)) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`stream still open after ${timeoutMs} ms: ${received.slice(-200)}`);
        const chunk = await Promise.race([
          reader.read(),
          new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), left)),
        ]);
        if (chunk === "timeout") continue;
        if (chunk.done) return "closed";
        received += chunk.value;
      }
      return "seen";
    };

    // The view, then heartbeats while the token is good.
    expect(await readUntil((text) => (text.match(/: heartbeat/g) ?? []).length >= 2, 10_000)).toBe("seen");
    expect(received).toContain(`"id":"${promotionId}"`);

    expect(await runChange(revokeApiToken, cli, { tokenId: token.id }, client)).toMatchObject({ ok: true });
    const revokedAt = Date.now();
    const heartbeatsBefore = (received.match(/: heartbeat/g) ?? []).length;
    expect(await readUntil(() => false, 10_000)).toBe("closed");
    // One heartbeat (0.5 s) plus the re-check's read, with room for a loaded machine.
    const endedMs = Date.now() - revokedAt;
    expect(endedMs).toBeLessThan(5_000);
    expect((received.match(/: heartbeat/g) ?? []).length - heartbeatsBefore).toBeLessThanOrEqual(1);
    proof.add({
      area: "event stream",
      tried: "GET /api/v1/promotions/{id}/events with an API token, then the token revoked (heartbeat 0.5 s)",
      cases: 1,
      outcome: `the stream ended ${endedMs} ms after the revocation, at the next heartbeat`,
    });
    abort.abort();
  });
});
