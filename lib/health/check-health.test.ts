import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "@/test/support/database";
import { checkHealth, workerHeartbeatMaxAgeSeconds } from "./check-health";

const database = setupTestDatabase();

describe("checkHealth", () => {
  it("is unhealthy while no worker has reported", async () => {
    const health = await checkHealth();
    expect(health).toMatchObject({
      ok: false,
      database: { ok: true },
      migrations: { ok: true, pending: [] },
      worker: { ok: false, heartbeatAgeSeconds: null },
    });
  });

  it("is healthy with a fresh heartbeat and unhealthy again once it is stale", async () => {
    await database.db().workerHeartbeat.create({ data: { id: "w1", hostname: "h", pid: 1 } });
    expect(await checkHealth()).toMatchObject({ ok: true, worker: { ok: true, workers: 1 } });
    await database.db().workerHeartbeat.update({
      where: { id: "w1" },
      data: { beatAt: new Date(Date.now() - (workerHeartbeatMaxAgeSeconds + 5) * 1000) },
    });
    expect(await checkHealth()).toMatchObject({ ok: false, worker: { ok: false, workers: 0 } });
  });

  it("reports a migration the database lacks", async () => {
    await database.db().workerHeartbeat.update({ where: { id: "w1" }, data: { beatAt: new Date() } });
    const [latest] = await database.db().$queryRaw<
      { migration_name: string }[]
    >`SELECT migration_name FROM _prisma_migrations ORDER BY migration_name DESC LIMIT 1`;
    await database.db()
      .$executeRaw`UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = ${latest!.migration_name}`;
    expect(await checkHealth()).toMatchObject({
      ok: false,
      migrations: { ok: false, pending: [latest!.migration_name] },
    });
  });
});
