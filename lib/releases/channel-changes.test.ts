import crypto from "node:crypto";
import { describe, expect, it, beforeAll } from "vitest";
import { runChange, type Caller } from "@/lib/change/run-change";
import { setupTestDatabase } from "@/test/support/database";
import { getChannel, listChannels } from "./channel-view";
import { createChannel } from "./create-channel";
import { deleteChannel } from "./delete-channel";
import { updateChannel } from "./update-channel";

process.env.GANTRY_SECRET_KEY = crypto.randomBytes(32).toString("base64");
const database = setupTestDatabase();
const operator: Caller = { userId: null, email: "op@example.com", role: "operator" };
const viewer: Caller = { userId: null, email: "viewer@example.com", role: "viewer" };
const client = { ip: null, userAgent: "vitest" };
let sourceId: string;
const valid = () => ({
  name: `ch-${crypto.randomBytes(3).toString("hex")}`,
  sourceRegistryId: sourceId,
  components: ["vendor/api", "vendor/engine"],
  tagPattern: "^release-\\d{6}$",
  ordering: "date",
});

beforeAll(async () => {
  sourceId = (
    await database.db().registry.create({
      data: { name: "vendor-src", provider: "generic", endpoint: "10.0.0.5:5000", authKind: "anonymous" },
    })
  ).id;
});

describe("channel input", () => {
  it.each([
    ["components.1", { components: ["vendor/api", "Vendor/Engine"] }, /must be lowercase/],
    ["components.0", { components: ["vendor/api:release-1"] }, /without a tag or digest/],
    ["components.0", { components: ["vendor//api"] }, /path component ""/],
    ["components.1", { components: ["vendor/api", "vendor/api"] }, /listed twice/],
    ["components", { components: [] }, /at least one component/],
    ["components", { components: Array.from({ length: 21 }, (_, i) => `vendor/c${i}`) }, /at most 20/],
    ["tagPattern", { tagPattern: "^release-(\\d{6}$" }, /not a valid regular expression/],
    ["tagPattern", { tagPattern: "a".repeat(201) }, /at most 200/],
    ["tagPattern", { tagPattern: "" }, /expected a regular expression/],
    ["ordering", { ordering: "alphabetical" }, /expected one of semver, date, pushed/],
    ["syncIntervalMinutes", { syncIntervalMinutes: 3 }, /expected 0 \(manual syncs only\) or 5 to 1440/],
    ["syncIntervalMinutes", { syncIntervalMinutes: 1441 }, /5 to 1440/],
    ["syncIntervalMinutes", { syncIntervalMinutes: "60" }, /expected minutes as a number/],
    ["name", { name: "  " }, /expected the channel's name/],
  ])("refuses a bad %s with a message naming it, and stores nothing", async (field, override, message) => {
    const before = await database.db().releaseChannel.count();
    const result = await runChange(createChannel, operator, { ...valid(), ...override }, client);
    expect(result).toMatchObject({ ok: false, status: 400, fieldErrors: { [field]: expect.stringMatching(message) } });
    if (!result.ok) expect(result.error).toContain(`${field}: `);
    expect(await database.db().releaseChannel.count()).toBe(before);
  });

  it("refuses a source connection that does not exist, naming the field", async () => {
    const result = await runChange(createChannel, operator, { ...valid(), sourceRegistryId: "nope" }, client);
    expect(result).toMatchObject({
      ok: false,
      status: 400,
      fieldErrors: { sourceRegistryId: expect.stringMatching(/no registry connection "nope"/) },
    });
  });

  it("refuses a second channel with the same name", async () => {
    const body = valid();
    expect(await runChange(createChannel, operator, body, client)).toMatchObject({ ok: true });
    expect(await runChange(createChannel, operator, body, client)).toMatchObject({
      ok: false,
      status: 409,
      fieldErrors: { name: expect.stringMatching(/exists already/) },
    });
  });

  it("accepts 0 (manual only) and the interval bounds", async () => {
    for (const syncIntervalMinutes of [0, 5, 1440])
      expect(await runChange(createChannel, operator, { ...valid(), syncIntervalMinutes }, client)).toMatchObject({
        ok: true,
        data: { syncIntervalMinutes },
      });
  });

  it("lets viewers read channels but not change them", async () => {
    expect(await runChange(createChannel, viewer, valid(), client)).toMatchObject({ ok: false, status: 403 });
    expect((await listChannels()).length).toBeGreaterThan(0);
  });
});

describe("updateChannel and deleteChannel", () => {
  it("changes only the fields given and audits before and after", async () => {
    const created = await runChange(createChannel, operator, valid(), client);
    if (!created.ok) throw new Error(created.error);
    const updated = await runChange(
      updateChannel,
      operator,
      { id: created.data.id, tagPattern: "^v\\d+\\.\\d+\\.\\d+$", ordering: "semver" },
      client,
    );
    expect(updated).toMatchObject({
      ok: true,
      data: {
        name: created.data.name,
        components: ["vendor/api", "vendor/engine"],
        tagPattern: "^v\\d+\\.\\d+\\.\\d+$",
        ordering: "semver",
      },
    });
    const event = await database
      .db()
      .auditEvent.findFirstOrThrow({ where: { action: "channel.updated", targetId: created.data.id } });
    expect(event.detail).toMatchObject({ before: { ordering: "date" }, after: { ordering: "semver" } });
    expect(
      await runChange(updateChannel, operator, { id: created.data.id, components: ["UPPER"] }, client),
    ).toMatchObject({ ok: false, fieldErrors: { "components.0": expect.any(String) } });
    expect(await runChange(updateChannel, operator, { id: "missing", name: "x" }, client)).toMatchObject({
      ok: false,
      status: 404,
    });
  });

  it("refuses to delete a channel whose releases were promoted, naming the promotions; deletes one that was not", async () => {
    const created = await runChange(createChannel, operator, valid(), client);
    if (!created.ok) throw new Error(created.error);
    const release = await database.db().release.create({
      data: { channelId: created.data.id, tag: "release-250301", sortKey: "20250301", latest: true },
    });
    const target = await database.db().registry.create({
      data: { name: "prod", provider: "generic", endpoint: "10.0.0.6:5000", authKind: "anonymous" },
    });
    const promotion = await database.db().promotion.create({
      data: { releaseId: release.id, targetRegistryId: target.id, repositoryMapping: {}, status: "succeeded" },
    });
    const refused = await runChange(deleteChannel, operator, { id: created.data.id }, client);
    expect(refused).toMatchObject({
      ok: false,
      status: 409,
      error: `channel ${created.data.name} has promotion(s) release-250301 → prod (${promotion.id}); a channel whose releases were promoted keeps their history and cannot be deleted`,
    });
    expect(await getChannel(created.data.id)).not.toBeNull();

    const other = await runChange(createChannel, operator, valid(), client);
    if (!other.ok) throw new Error(other.error);
    await database
      .db()
      .release.create({ data: { channelId: other.data.id, tag: "release-250101", sortKey: "20250101" } });
    expect(await runChange(deleteChannel, operator, { id: other.data.id }, client)).toEqual({
      ok: true,
      data: { id: other.data.id, deleted: true },
    });
    expect(await database.db().release.count({ where: { channelId: other.data.id } })).toBe(0);
    expect(
      await database
        .db()
        .auditEvent.findFirstOrThrow({ where: { action: "channel.deleted", targetId: other.data.id } }),
    ).toMatchObject({ detail: { before: { releases: 1 } } });
  });

  it("reports a sync that never finished as failed, so the channel does not look busy forever", async () => {
    const created = await runChange(createChannel, operator, valid(), client);
    if (!created.ok) throw new Error(created.error);
    await database.db()
      .$executeRaw`UPDATE "ReleaseChannel" SET "syncState" = 'syncing', "updatedAt" = now() - interval '2 minutes' WHERE id = ${created.data.id}`;
    expect(await getChannel(created.data.id)).toMatchObject({ syncState: "syncing", lastSyncError: null });
    await database.db()
      .$executeRaw`UPDATE "ReleaseChannel" SET "updatedAt" = now() - interval '11 minutes' WHERE id = ${created.data.id}`;
    expect(await getChannel(created.data.id)).toMatchObject({
      syncState: "failed",
      lastSyncError: expect.stringMatching(/did not finish.*sync again$/),
    });
  });
});
