import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { runChange, type Caller } from "@/lib/change/run-change";
import { setupTestDatabase } from "@/test/support/database";
import { createConnection } from "./create-connection";
import { listConnections } from "./list-connections";
import { recordConnectionUse } from "./record-connection-use";

process.env.GANTRY_SECRET_KEY = crypto.randomBytes(32).toString("base64");
const database = setupTestDatabase();
const admin: Caller = { userId: null, email: "admin@example.com", role: "admin" };

describe("recordConnectionUse", () => {
  it("keeps the last success and the last error beside the check, at most one success write per few seconds", async () => {
    const created = await runChange(
      createConnection,
      admin,
      { name: "private", provider: "generic", endpoint: "10.0.0.5:5000", auth: { kind: "anonymous" } },
      { ip: null, userAgent: "vitest" },
    );
    if (!created.ok) throw new Error(created.error);
    const id = created.data.id;
    const row = () => database.db().registry.findUniqueOrThrow({ where: { id } });
    const edited = (await row()).updatedAt;

    await recordConnectionUse(id, { by: "promotion", ok: true });
    const first = (await row()).lastUseOkAt!;
    expect(first).toBeInstanceOf(Date);
    // Twenty images finishing at once: the row is not rewritten for each.
    await Promise.all(Array.from({ length: 20 }, () => recordConnectionUse(id, { by: "promotion", ok: true })));
    expect((await row()).lastUseOkAt).toEqual(first);

    await recordConnectionUse(id, { by: "promotion", ok: false, error: "target: denied: quota exceeded\nsecond line" });
    const [failing] = await listConnections();
    expect(failing!.lastUse).toMatchObject({
      okBy: "promotion",
      errorBy: "promotion",
      error: "target: denied: quota exceeded",
    });
    expect(failing!.lastUse!.errorAt! >= failing!.lastUse!.okAt!).toBe(true);

    // A success right after an error is written at once, within the few seconds.
    await recordConnectionUse(id, { by: "sync", ok: true });
    const [recovered] = await listConnections();
    expect(recovered!.lastUse!.okBy).toBe("sync");
    expect(recovered!.lastUse!.okAt! > recovered!.lastUse!.errorAt!).toBe(true);
    // Use is not an edit.
    expect((await row()).updatedAt).toEqual(edited);
  });
});
