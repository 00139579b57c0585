import { beforeAll, describe, expect, it } from "vitest";
import { setupTestDatabase } from "@/test/support/database";
import { csvCell, csvRow } from "./csv";
import { auditExportStream } from "./export-audit-events";
import { recordAuditEvent } from "./record-audit-event";

const database = setupTestDatabase();

describe("csvCell", () => {
  it.each([
    ["plain", "plain"],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ["two\nlines", '"two\nlines"'],
    ["=1+2", "'=1+2"],
    ["+1", "'+1"],
    ["-1", "'-1"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\tx", "'\tx"],
    ['=HYPERLINK("x","y")', `"'=HYPERLINK(""x"",""y"")"`],
    [null, ""],
    [42, "42"],
    [{ a: "b,c" }, '"{""a"":""b,c""}"'],
  ])("%j → %s", (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it("ends rows with CRLF", () => {
    expect(csvRow(["a", 1, null])).toBe("a,1,\r\n");
  });
});

describe("auditExportStream", () => {
  beforeAll(async () => {
    for (let i = 0; i < 23; i += 1)
      await database
        .db()
        .$transaction((tx) =>
          recordAuditEvent(tx, { action: "thing.changed", targetType: "thing", targetId: `t${i}` }),
        );
  });

  it("reads a batch only when the reader asks for one (backpressure)", async () => {
    const client = database.db();
    const original = client.$queryRaw.bind(client);
    let queries = 0;
    const counting = new Proxy(client, {
      get: (target, key) =>
        key === "$queryRaw"
          ? (...args: Parameters<typeof original>) => ((queries += 1), original(...args))
          : Reflect.get(target, key),
    });
    const reader = auditExportStream({}, "jsonl", { client: counting, batchSize: 5 }).getReader();
    const first = await reader.read();
    await new Promise((r) => setTimeout(r, 100));
    // The batch handed over, plus at most one waiting in the queue.
    expect(queries).toBeLessThanOrEqual(2);
    expect(new TextDecoder().decode(first.value).trim().split("\n")).toHaveLength(5);
    let rest = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      rest += new TextDecoder().decode(chunk.value);
    expect(rest.trim().split("\n")).toHaveLength(18);
    expect(queries).toBe(5);
  });

  it("writes a CSV header and every matching row once, newest first", async () => {
    const text = await new Response(auditExportStream({ action: "thing.changed" }, "csv", { batchSize: 4 })).text();
    const lines = text.trimEnd().split("\r\n");
    expect(lines[0]).toMatch(/^id,at,actor,/);
    const targets = lines.slice(1).map((line) => line.split(",")[6]);
    expect(targets).toEqual(Array.from({ length: 23 }, (_, i) => `t${22 - i}`));
  });
});
