import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "@/test/support/database";
import { diffSchemas, latestSnapshot, pendingMigrations } from "./migrate";

const database = setupTestDatabase();

describe("migrations", () => {
  it("cover every change to schema.prisma (run `npm run db:migrate:new -- <name>` after editing it)", async () => {
    const schema = fs.readFileSync(path.join(process.cwd(), "prisma", "schema.prisma"), "utf8");
    const missing = await diffSchemas({ databaseUrl: database.url(), from: latestSnapshot(), to: schema });
    expect(missing.replace(/^--.*$/gm, "").trim()).toBe("");
  });

  it("are all applied to the test database, which Prisma can then use", async () => {
    expect(await pendingMigrations({ databaseUrl: database.url() })).toEqual([]);
    expect(await database.db().user.count()).toBe(0);
  });
});
