import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll, describe, expect, it, vi } from "vitest";
import { runChange, type Caller } from "@/lib/change/run-change";
import { archiveAuditEventsJob } from "@/lib/queue/jobs/archive-audit-events";
import { setupTestDatabase } from "@/test/support/database";
import { archiveAuditEvents } from "./archive-audit-events";
import { getAuditRetentionDays, setAuditRetention } from "./audit-retention";
import { recordAuditEvent } from "./record-audit-event";
import { runWithRequestContext } from "./request-context";
import { verifyAuditChain } from "./verify-audit-chain";

const database = setupTestDatabase();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gantry-audit-archive-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const admin: Caller = { userId: null, email: "admin@example.com", role: "admin" };
const viewer: Caller = { userId: null, email: "viewer@example.com", role: "viewer" };
const client = { ip: null, userAgent: "vitest" };
const day = (n: number) => new Date(Date.UTC(2020, 0, n, 12));

async function recordAt(at: Date, targetId: string) {
  vi.useFakeTimers({ toFake: ["Date"], now: at });
  try {
    await runWithRequestContext({ actorId: null, actorLabel: "ops@example.com", ip: null, userAgent: null }, () =>
      database.db().$transaction((tx) =>
        recordAuditEvent(tx, {
          action: "thing.changed",
          targetType: "thing",
          targetId,
          detail: { after: { n: targetId } },
        }),
      ),
    );
  } finally {
    vi.useRealTimers();
  }
}

function readArchive(file: string): Array<Record<string, unknown>> {
  return zlib
    .gunzipSync(fs.readFileSync(path.join(dir, file)))
    .toString("utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function ids(): Promise<string[]> {
  return (await database.db().auditEvent.findMany({ orderBy: { id: "asc" }, select: { targetId: true } })).map(
    (e) => e.targetId ?? "",
  );
}

async function asMaintenance(sql: string) {
  await database.db().$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`SET LOCAL gantry.audit_maintenance = 'on'`);
    await tx.$executeRawUnsafe(sql);
  });
}

describe("audit retention", () => {
  it("lets an admin set the retention, audited, and refuses a viewer and a bad value", async () => {
    expect(await getAuditRetentionDays()).toBeNull();
    expect(await runChange(setAuditRetention, viewer, { days: 30 }, client)).toMatchObject({ ok: false, status: 403 });
    expect(await runChange(setAuditRetention, admin, { days: 0 }, client)).toMatchObject({
      ok: false,
      status: 400,
      fieldErrors: { days: "days must be at least 1" },
    });
    expect(await runChange(setAuditRetention, admin, { days: "30" }, client)).toMatchObject({
      ok: true,
      data: { days: 30 },
    });
    expect(await getAuditRetentionDays()).toBe(30);
    const event = await database.db().auditEvent.findFirstOrThrow({ where: { action: "settings.updated" } });
    expect(event).toMatchObject({
      actorLabel: "admin@example.com",
      targetId: "audit.retentionDays",
      detail: { before: { retentionDays: null }, after: { retentionDays: 30 } },
    });
    expect(await runChange(setAuditRetention, admin, { days: "" }, client)).toMatchObject({
      ok: true,
      data: { days: null },
    });
    expect(await getAuditRetentionDays()).toBeNull();
  });

  it("archives old events to gzip JSON Lines before deleting them, and the chain still verifies from the anchor", async () => {
    // The two settings events above are "now"; these are years old.
    for (let n = 1; n <= 6; n += 1) await recordAt(day(n), `old${n}`);
    const before = await database.db().auditEvent.findMany({ orderBy: { id: "asc" } });
    const oldOnes = before.filter((e) => e.at < day(4));
    expect(oldOnes.map((e) => e.targetId)).toEqual(["old1", "old2", "old3"]);

    const result = await archiveAuditEvents({ olderThan: day(4), dir });
    // Event ids in the settings test came first, so "older than" takes the contiguous prefix by id.
    expect(result).toMatchObject({
      count: 5,
      firstId: String(before[0]!.id),
      lastId: String(oldOnes[2]!.id),
      lastHash: oldOnes[2]!.hash,
    });
    expect(result!.file).toMatch(/^audit-\d+-\d+-\d{8}T\d{6}Z\.jsonl\.gz$/);
    expect(fs.readdirSync(dir)).toEqual([result!.file]);
    const archived = readArchive(result!.file);
    expect(archived.map((e) => e.targetId)).toEqual([
      "audit.retentionDays",
      "audit.retentionDays",
      "old1",
      "old2",
      "old3",
    ]);
    expect(archived[4]).toMatchObject({
      id: String(oldOnes[2]!.id),
      hash: oldOnes[2]!.hash,
      at: day(3).toISOString(),
      actorLabel: "ops@example.com",
    });

    expect(await ids()).toEqual(["old4", "old5", "old6", result!.file]);
    const marker = await database.db().auditEvent.findFirstOrThrow({ where: { action: "audit.archived" } });
    expect(marker).toMatchObject({
      actorLabel: "system",
      detail: {
        file: result!.file,
        count: 5,
        firstId: result!.firstId,
        lastId: result!.lastId,
        lastHash: result!.lastHash,
      },
    });

    const verdict = await verifyAuditChain(database.db(), { batchSize: 2 });
    expect(verdict).toMatchObject({
      ok: true,
      events: 4,
      anchor: { lastId: result!.lastId, lastHash: result!.lastHash, file: result!.file },
    });
  });

  it("archives again across the previous boundary, and nothing when nothing is old enough", async () => {
    expect(await archiveAuditEvents({ olderThan: day(1), dir })).toBeNull();
    const second = await archiveAuditEvents({ olderThan: day(6), dir });
    expect(second).toMatchObject({ count: 2 });
    expect(readArchive(second!.file).map((e) => e.targetId)).toEqual(["old4", "old5"]);
    expect(await ids()).toEqual(["old6", expect.stringMatching(/^audit-/), second!.file]);
    expect(await verifyAuditChain(database.db())).toMatchObject({
      ok: true,
      events: 3,
      anchor: { lastId: second!.lastId },
    });
  });

  it("detects events removed right after the archive boundary", async () => {
    const first = await database.db().auditEvent.findFirstOrThrow({ orderBy: { id: "asc" } });
    const next = await database
      .db()
      .auditEvent.findFirstOrThrow({ where: { id: { gt: first.id } }, orderBy: { id: "asc" } });
    await asMaintenance(`DELETE FROM "AuditEvent" WHERE id = ${first.id}`);
    const verdict = await verifyAuditChain(database.db());
    expect(verdict).toMatchObject({ ok: false, brokenAt: next.id, expected: first.prevHash, actual: first.hash });
    expect(verdict.ok === false && verdict.reason).toMatch(/does not link to the last archived event/);
  });

  it("refuses to archive a broken chain, leaving the database and the folder as they were", async () => {
    const files = fs.readdirSync(dir);
    const count = await database.db().auditEvent.count();
    await expect(archiveAuditEvents({ olderThan: new Date(Date.now() + 60_000), dir })).rejects.toThrow(
      /chain is broken at event #\d+/,
    );
    expect(fs.readdirSync(dir)).toEqual(files);
    expect(await database.db().auditEvent.count()).toBe(count);
  });

  it("runs as the daily job only when a retention is set, into GANTRY_AUDIT_ARCHIVE_DIR", async () => {
    // A fresh, intact chain for the job: clear the table as maintenance would.
    await asMaintenance(`DELETE FROM "AuditEvent"`);
    const jobDir = path.join(dir, "job");
    vi.stubEnv("GANTRY_AUDIT_ARCHIVE_DIR", jobDir);
    try {
      const context = { jobId: "j1", signal: new AbortController().signal, workerId: "w1" };
      expect(await archiveAuditEventsJob.handler({}, context)).toEqual({ skipped: "no retention set" });
      for (let n = 1; n <= 3; n += 1) await recordAt(day(n), `job${n}`);
      await runChange(setAuditRetention, admin, { days: 7 }, client);
      const result = (await archiveAuditEventsJob.handler({}, context)) as { file: string; count: number };
      expect(result.count).toBe(3);
      expect(fs.existsSync(path.join(jobDir, result.file))).toBe(true);
      expect(await verifyAuditChain(database.db())).toMatchObject({ ok: true, events: 2 });
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
