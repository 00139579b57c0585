import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "@/test/support/database";
import { recordAuditEvent } from "./record-audit-event";
import { runWithRequestContext } from "./request-context";
import { verifyAuditChain } from "./verify-audit-chain";

const database = setupTestDatabase();
const as = { actorId: null, actorLabel: "tester@example.com", ip: "10.0.0.1", userAgent: "vitest" };
const event = (action: string) => ({ action, targetType: "thing", targetId: action });

async function actionsInOrder(): Promise<string[]> {
  const events = await database.db().auditEvent.findMany({ orderBy: { id: "asc" }, select: { action: true } });
  return events.map((e) => e.action);
}

describe("appending to the audit chain", () => {
  it("an audited change still at work does not hold up another change's event", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = runWithRequestContext(as, () =>
      database.db().$transaction(async (tx) => {
        await recordAuditEvent(tx, event("slow.recorded-first"));
        await gate; // the rest of its work, e.g. a queued job and a busy process
      }),
    );
    const quick = runWithRequestContext(as, () =>
      database.db().$transaction((tx) => recordAuditEvent(tx, event("quick.recorded-second"))),
    );
    const first = await Promise.race([
      quick.then(() => "quick committed"),
      new Promise((resolve) => setTimeout(() => resolve("quick waited for the slow change"), 3_000)),
    ]);
    release();
    await slow;
    await quick;
    expect(first).toBe("quick committed");
    // Each event is linked when its change commits, so the chain is in commit order.
    expect(await actionsInOrder()).toEqual(["quick.recorded-second", "slow.recorded-first"]);
    expect(await verifyAuditChain(database.db())).toEqual({ ok: true, events: 2 });
  });

  it("appends a change's events in the order it recorded them, and none when it rolls back", async () => {
    await runWithRequestContext(as, () =>
      database.db().$transaction(async (tx) => {
        for (const action of ["many.one", "many.two", "many.three"]) await recordAuditEvent(tx, event(action));
      }),
    );
    await expect(
      runWithRequestContext(as, () =>
        database.db().$transaction(async (tx) => {
          await recordAuditEvent(tx, event("refused.change"));
          throw new Error("the change is refused after its event was recorded");
        }),
      ),
    ).rejects.toThrow(/refused/);
    expect((await actionsInOrder()).slice(-3)).toEqual(["many.one", "many.two", "many.three"]);
    expect(await actionsInOrder()).not.toContain("refused.change");
    expect(await verifyAuditChain(database.db())).toEqual({ ok: true, events: 5 });
  });

  it("appends at once when asked, after the events recorded before it, for statements that need it in place", async () => {
    const seenInside = await runWithRequestContext(as, () =>
      database.db().$transaction(async (tx) => {
        await recordAuditEvent(tx, event("now.deferred-before"));
        await recordAuditEvent(tx, event("now.immediate"), { immediately: true });
        const inside = await tx.auditEvent.findMany({ orderBy: { id: "desc" }, take: 2, select: { action: true } });
        await recordAuditEvent(tx, event("now.deferred-after"));
        return inside.map((e) => e.action).reverse();
      }),
    );
    expect(seenInside).toEqual(["now.deferred-before", "now.immediate"]);
    expect((await actionsInOrder()).slice(-3)).toEqual(["now.deferred-before", "now.immediate", "now.deferred-after"]);
    expect(await verifyAuditChain(database.db())).toEqual({ ok: true, events: 8 });
  });

  it("hashes in Postgres exactly as auditHash does, whatever the event holds", async () => {
    const odd = {
      actorId: null,
      actorLabel: "zoë@example.com",
      ip: "2001:db8::1",
      userAgent: 'curl/8 "quoted" \\ back\tslash — ✓ 𝔘',
    };
    await runWithRequestContext(odd, () =>
      database.db().$transaction(async (tx) => {
        await recordAuditEvent(tx, {
          action: "odd.detail",
          targetType: "thing",
          targetId: null,
          detail: { after: { name: "ünïcödé ✓ 😀", nested: [1, 2.5, { z: true, a: null }], '"key"': "</script>" } },
        });
        await recordAuditEvent(tx, { action: "odd.empty", targetType: "thing" });
      }),
    );
    const stored = await database.db().auditEvent.findMany({ orderBy: { id: "desc" }, take: 2 });
    expect(stored.map((e) => e.action)).toEqual(["odd.empty", "odd.detail"]);
    expect(stored[1]!.userAgent).toBe(odd.userAgent);
    expect(stored[0]!.prevHash).toBe(stored[1]!.hash);
    expect(await verifyAuditChain(database.db())).toEqual({ ok: true, events: 10 });
  });
});
