import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "@/test/support/database";
import { recordAuditEvent } from "./record-audit-event";
import { runWithRequestContext } from "./request-context";
import { verifyAuditChain } from "./verify-audit-chain";

const database = setupTestDatabase();

async function append(count: number) {
  for (let i = 0; i < count; i += 1) {
    await runWithRequestContext(
      { actorId: null, actorLabel: "tester@example.com", ip: "10.0.0.1", userAgent: "vitest" },
      () =>
        database.db().$transaction((tx) =>
          recordAuditEvent(tx, {
            action: "test.event",
            targetType: "thing",
            targetId: String(i),
            detail: { before: { n: i }, after: { n: i + 1 }, password: "hunter2" },
          }),
        ),
    );
  }
}

describe("audit trail", () => {
  it("links every event to the one before and verifies end to end", async () => {
    await append(5);
    const events = await database.db().auditEvent.findMany({ orderBy: { id: "asc" } });
    expect(events).toHaveLength(5);
    for (let i = 1; i < events.length; i += 1) expect(events[i]!.prevHash).toBe(events[i - 1]!.hash);
    expect(events[0]!.actorLabel).toBe("tester@example.com");
    expect(events[0]!.ip).toBe("10.0.0.1");
    expect(await verifyAuditChain(database.db(), { batchSize: 2 })).toEqual({ ok: true, events: 5 });
  });

  it("never stores a secret-looking field", async () => {
    const event = await database.db().auditEvent.findFirstOrThrow({ where: { action: "test.event" } });
    expect(JSON.stringify(event.detail)).not.toContain("hunter2");
    expect((event.detail as Record<string, unknown>).password).toBe("[redacted]");
  });

  it("refuses UPDATE and DELETE on the table", async () => {
    await expect(database.db().$executeRawUnsafe(`UPDATE "AuditEvent" SET action = 'x'`)).rejects.toThrow(
      /append-only/,
    );
    await expect(database.db().$executeRawUnsafe(`DELETE FROM "AuditEvent"`)).rejects.toThrow(/append-only/);
    expect(await database.db().auditEvent.count()).toBe(5);
  });

  it("names the first event a database owner tampered with behind the trigger's back", async () => {
    const third = (await database.db().auditEvent.findMany({ orderBy: { id: "asc" } }))[2]!;
    await database.db().$executeRawUnsafe(`ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only"`);
    await database
      .db()
      .$executeRawUnsafe(`UPDATE "AuditEvent" SET "actorLabel" = 'someone-else' WHERE id = ${third.id}`);
    await database.db().$executeRawUnsafe(`ALTER TABLE "AuditEvent" ENABLE TRIGGER "AuditEvent_append_only"`);
    const verdict = await verifyAuditChain(database.db());
    expect(verdict).toMatchObject({ ok: false, brokenAt: third.id });
    expect(verdict.ok === false && verdict.reason).toMatch(/edited/);
  });
});
