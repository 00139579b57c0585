import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { UserError } from "@/lib/change/errors";
import { Prisma } from "@/lib/db/generated/client";
import { setupTestDatabase } from "@/test/support/database";
import { listAuditEvents } from "./list-audit-events";
import { recordAuditEvent, type AuditInput } from "./record-audit-event";
import { runWithRequestContext } from "./request-context";

const database = setupTestDatabase();

/** Records an event as `actor` at a fixed time, through the real chained append. */
export async function recordAs(actor: string, at: Date, input: AuditInput) {
  vi.useFakeTimers({ toFake: ["Date"], now: at });
  try {
    await runWithRequestContext({ actorId: null, actorLabel: actor, ip: "10.1.2.3", userAgent: "vitest" }, () =>
      database.db().$transaction((tx) => recordAuditEvent(tx, input)),
    );
  } finally {
    vi.useRealTimers();
  }
}

const day = (n: number, hour = 12) => new Date(Date.UTC(2026, 10, n, hour));

beforeAll(async () => {
  await recordAs("alice@example.com", day(1), {
    action: "registry.created",
    targetType: "registry",
    targetId: "reg_quay",
    detail: { after: { name: "quay-vendor", endpoint: "quay.io" } },
  });
  await recordAs("bob@example.com", day(2), {
    action: "registry.updated",
    targetType: "registry",
    targetId: "reg_quay",
    detail: { before: { approvalsRequired: 0 }, after: { approvalsRequired: 2 } },
  });
  await recordAs("token:ci (bob@example.com)", day(3), {
    action: "user.created",
    targetType: "user",
    targetId: "usr_carol",
    detail: { after: { email: "carol@example.com", role: "viewer" } },
  });
  await recordAs("alice@example.com", day(4), {
    action: "registry.deleted",
    targetType: "registry",
    targetId: "reg_ecr",
    detail: { before: { name: "ecr-prod", note: "100% done_ish" } },
  });
  await recordAs("system", day(5), { action: "registryx.odd", targetType: "thing", targetId: "t1" });
});

const actions = (page: { events: { action: string }[] }) => page.events.map((e) => e.action);

describe("listAuditEvents filters", () => {
  it("lists newest first with a readable summary", async () => {
    const page = await listAuditEvents({});
    expect(actions(page)).toEqual([
      "registryx.odd",
      "registry.deleted",
      "user.created",
      "registry.updated",
      "registry.created",
    ]);
    expect(page.events[3]!.summary).toBe("Updated registry reg_quay: approvalsRequired 0 → 2");
    expect(page.events[4]!.summary).toBe('Created registry "quay-vendor"');
    expect(page.events[0]!.at).toBe(day(5).toISOString());
    expect(page).toMatchObject({ nextCursor: null, prevCursor: null });
  });

  it("matches the actor as a case-insensitive part of the label (tokens act for their owner)", async () => {
    expect(actions(await listAuditEvents({ actor: "BOB@example" }))).toEqual(["user.created", "registry.updated"]);
  });

  it("matches an action exactly, or by prefix with a trailing dot or star", async () => {
    expect(actions(await listAuditEvents({ action: "registry.updated" }))).toEqual(["registry.updated"]);
    expect(actions(await listAuditEvents({ action: "registry." }))).toEqual([
      "registry.deleted",
      "registry.updated",
      "registry.created",
    ]);
    expect(actions(await listAuditEvents({ action: "registry*" }))).toEqual([
      "registryx.odd",
      "registry.deleted",
      "registry.updated",
      "registry.created",
    ]);
    expect(actions(await listAuditEvents({ action: "registry" }))).toEqual([]);
  });

  it("filters by target, and by time range with whole days inclusive", async () => {
    expect(actions(await listAuditEvents({ targetType: "registry", targetId: "reg_quay" }))).toEqual([
      "registry.updated",
      "registry.created",
    ]);
    expect(actions(await listAuditEvents({ targetType: "user" }))).toEqual(["user.created"]);
    expect(actions(await listAuditEvents({ from: "2026-11-02", to: "2026-11-03" }))).toEqual([
      "user.created",
      "registry.updated",
    ]);
    expect(actions(await listAuditEvents({ from: "2026-11-02T12:00", to: "2026-11-02T12:00:00.000Z" }))).toEqual([
      "registry.updated",
    ]);
  });

  it("searches text in the actor, action, target id and detail, taking % and _ literally", async () => {
    expect(actions(await listAuditEvents({ text: "carol@" }))).toEqual(["user.created"]);
    expect(actions(await listAuditEvents({ text: "ECR-PROD" }))).toEqual(["registry.deleted"]);
    expect(actions(await listAuditEvents({ text: "reg_quay" }))).toEqual(["registry.updated", "registry.created"]);
    expect(actions(await listAuditEvents({ text: "100% done_" }))).toEqual(["registry.deleted"]);
    expect(actions(await listAuditEvents({ text: "1_0" }))).toEqual([]);
    expect(actions(await listAuditEvents({ text: "quay", actor: "alice" }))).toEqual(["registry.created"]);
  });

  it("treats blank fields from a form as no filter", async () => {
    expect(
      (await listAuditEvents({ actor: "", action: " ", from: "", text: "", cursor: "", limit: "" })).events,
    ).toHaveLength(5);
  });

  it.each([
    [{ limit: "500" }, "limit", /at most 200/],
    [{ limit: "ten" }, "limit", /number/],
    [{ from: "yesterday" }, "from", /from must be a date/],
    [{ from: "2026-11-05", to: "2026-11-01" }, "to", /not be before/],
    [{ cursor: "x_1_2" }, "cursor", /first page/],
    [{ targetId: "reg_quay" }, "targetType", /required/],
    [{ action: "drop table;" }, "action", /action must look like/],
  ])("refuses %j naming the field", async (input, field, message) => {
    const error = await listAuditEvents(input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(error).toMatchObject({ field, status: 400 });
    expect((error as Error).message).toMatch(message);
  });
});

describe("listAuditEvents pagination", () => {
  afterEach(() => vi.useRealTimers());

  it("walks every page once, without duplicates or gaps, while new events arrive", async () => {
    for (let i = 0; i < 23; i += 1) {
      // Several events share a timestamp, so the id breaks ties.
      await recordAs("pager@example.com", new Date(Date.UTC(2026, 10, 10, 0, 0, Math.floor(i / 3))), {
        action: "page.event",
        targetType: "thing",
        targetId: `p${i}`,
      });
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listAuditEvents({ action: "page.event", limit: 5, cursor });
      seen.push(...page.events.map((e) => e.targetId!));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
      // Someone records more while the reader pages on.
      await recordAs("pager@example.com", new Date(), {
        action: "page.event",
        targetType: "thing",
        targetId: `late${pages}`,
      });
    } while (cursor);
    expect(pages).toBe(5);
    expect(seen).toEqual(Array.from({ length: 23 }, (_, i) => `p${22 - i}`));
  });

  it("goes back with the previous cursor, and the first page has none", async () => {
    const first = await listAuditEvents({ targetType: "thing", limit: 4 });
    expect(first.prevCursor).toBeNull();
    const second = await listAuditEvents({ targetType: "thing", limit: 4, cursor: first.nextCursor! });
    const third = await listAuditEvents({ targetType: "thing", limit: 4, cursor: second.nextCursor! });
    const backToSecond = await listAuditEvents({ targetType: "thing", limit: 4, cursor: third.prevCursor! });
    expect(backToSecond.events.map((e) => e.id)).toEqual(second.events.map((e) => e.id));
    const backToFirst = await listAuditEvents({ targetType: "thing", limit: 4, cursor: backToSecond.prevCursor! });
    expect(backToFirst.events.map((e) => e.id)).toEqual(first.events.map((e) => e.id));
    expect(backToFirst.prevCursor).toBeNull();
  });

  it("never reads with OFFSET: a deep page is a keyset range", async () => {
    const client = database.db();
    const original = client.$queryRaw.bind(client);
    const spy = vi
      .spyOn(client, "$queryRaw")
      .mockImplementation(((...args: Parameters<typeof original>) => original(...args)) as typeof original);
    const first = await listAuditEvents({ limit: 2 });
    await listAuditEvents({ limit: 2, cursor: first.nextCursor! });
    const sql = spy.mock.calls
      .map(([strings, ...values]) => Prisma.sql(strings as TemplateStringsArray, ...values).sql)
      .join("\n");
    // No mockRestore: Prisma's client is a proxy, and restoring would leave it without $queryRaw.
    expect(sql).not.toMatch(/offset/i);
    expect(sql).toMatch(/\("at", "id"\) </);
  });

  it("finds matches beyond the newest rows it scans first, in order, across pages", async () => {
    // 24,000 newer rows bury an old event; every 4,999th of them mentions "mark" in its detail.
    await recordAs("ancient@example.com", new Date(Date.UTC(2020, 0, 1)), {
      action: "old.thing",
      targetType: "thing",
      targetId: "needle-old",
      detail: { note: "mark from long ago" },
    });
    await database.db().$executeRawUnsafe(`
      INSERT INTO "AuditEvent" ("at", "actorLabel", "action", "targetType", "targetId", "detail", "prevHash", "hash")
      SELECT timestamp '2021-01-01' + i * interval '1 minute', 'filler@example.com', 'filler.event', 'filler', 'f' || i,
             CASE WHEN i % 4999 = 0 THEN '{"note": "mark"}'::jsonb ELSE '{}'::jsonb END,
             md5('p' || i) || md5('q' || i), md5('h' || i) || md5('k' || i)
      FROM generate_series(1, 24000) AS i`);
    const marks: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listAuditEvents({ text: "mark", limit: 2, cursor });
      marks.push(...page.events.map((e) => e.targetId!));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(marks).toEqual(["f19996", "f14997", "f9998", "f4999", "needle-old"]);
    expect((await listAuditEvents({ actor: "ancient@" })).events.map((e) => e.targetId)).toEqual(["needle-old"]);
    expect((await listAuditEvents({ action: "old.thing" })).events.map((e) => e.targetId)).toEqual(["needle-old"]);
    const back = await listAuditEvents({
      text: "mark",
      limit: 2,
      cursor: (
        await listAuditEvents({
          text: "mark",
          limit: 2,
          cursor: (await listAuditEvents({ text: "mark", limit: 2 })).nextCursor!,
        })
      ).prevCursor!,
    });
    expect(back.events.map((e) => e.targetId)).toEqual(["f19996", "f14997"]);
  });
});
