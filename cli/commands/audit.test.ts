import { spawnSync } from "node:child_process";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { recordAuditEvent } from "@/lib/audit/record-audit-event";
import { setupTestDatabase } from "@/test/support/database";

const database = setupTestDatabase();
const bin = path.join(process.cwd(), "bin", "gantry");

function gantry(args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    encoding: "utf8",
    env: { ...process.env, DATABASE_URL: database.url(), GANTRY_LOG_LEVEL: "silent" },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** What a database owner can do behind the append-only trigger: replica mode skips triggers. */
async function asOwnerBehindTheTrigger(sql: string) {
  await database.db().$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`SET LOCAL session_replication_role = replica`);
    await tx.$executeRawUnsafe(sql);
  });
}

async function events() {
  return database.db().auditEvent.findMany({ orderBy: { id: "asc" } });
}

beforeAll(async () => {
  for (let i = 0; i < 6; i += 1) {
    await database.db().$transaction((tx) =>
      recordAuditEvent(tx, {
        action: "thing.changed",
        targetType: "thing",
        targetId: `t${i}`,
        detail: { after: { n: i } },
      }),
    );
  }
});

describe("gantry audit verify", () => {
  it("explains itself with --help", () => {
    const { code, stdout } = gantry(["audit", "--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain("Usage: gantry audit verify");
    expect(gantry(["--help"]).stdout).toMatch(/ {2}audit +Verify the audit trail/);
    expect(gantry(["audit", "check"])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("expected `audit verify`"),
    });
  });

  it("exits 0 on an intact chain", () => {
    const { code, stdout } = gantry(["audit", "verify"]);
    expect({ code, stdout }).toEqual({ code: 0, stdout: "audit chain intact: 6 events verified\n" });
  });

  it("exits 1 naming the event whose detail a database owner edited, with its time and both hashes", async () => {
    const third = (await events())[2]!;
    await asOwnerBehindTheTrigger(`UPDATE "AuditEvent" SET detail = '{"after": {"n": 999}}' WHERE id = ${third.id}`);
    const { code, stdout } = gantry(["audit", "verify"]);
    expect(code).toBe(1);
    expect(stdout).toContain(`audit chain BROKEN at event #${third.id} (${third.at.toISOString()})`);
    expect(stdout).toContain("it was edited");
    expect(stdout).toContain(`found:    ${third.hash}`);
    const json = JSON.parse(gantry(["audit", "verify", "--json"]).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ ok: false, brokenAt: String(third.id), events: 3 });
    // Put it back: the chain is whole again.
    await asOwnerBehindTheTrigger(`UPDATE "AuditEvent" SET detail = '{"after": {"n": 2}}' WHERE id = ${third.id}`);
    expect(gantry(["audit", "verify"]).code).toBe(0);
  });

  it("exits 1 when an event in the middle was deleted, naming the one after the gap", async () => {
    const [, , , fourth, fifth] = await events();
    await asOwnerBehindTheTrigger(`DELETE FROM "AuditEvent" WHERE id = ${fourth!.id}`);
    const { code, stdout } = gantry(["audit", "verify"]);
    expect(code).toBe(1);
    expect(stdout).toContain(`BROKEN at event #${fifth!.id}`);
    expect(stdout).toContain("its link to the previous event does not match");
    expect(stdout).toContain(`expected: ${fourth!.prevHash}`);
  });
});
