import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "@/test/support/database";
import { listAuditEvents } from "./list-audit-events";
import { recordAuditEvent } from "./record-audit-event";
import { runWithRequestContext } from "./request-context";

const database = setupTestDatabase();

describe("the audit history names what a person knows", () => {
  it("a promotion by release tag and target registry, the component, statuses in words, links to the object", async () => {
    const db = database.db();
    const source = await db.registry.create({
      data: { name: "acme-vendor", provider: "generic", endpoint: "vendor.example", authKind: "anonymous" },
    });
    const target = await db.registry.create({
      data: { name: "my-private-registry", provider: "generic", endpoint: "mine.example", authKind: "anonymous" },
    });
    const channel = await db.releaseChannel.create({
      data: {
        name: "acme-platform",
        sourceRegistryId: source.id,
        components: ["acme/api"],
        tagPattern: ".*",
        ordering: "date",
      },
    });
    const release = await db.release.create({
      data: { channelId: channel.id, tag: "release-251120", sortKey: "251120" },
    });
    const promotion = await db.promotion.create({
      data: { releaseId: release.id, targetRegistryId: target.id, repositoryMapping: {}, status: "queued" },
    });
    const user = await db.user.create({ data: { email: "a.very.long.name@operations.example.com" } });
    await runWithRequestContext({ actorId: null, actorLabel: "ops@example.com", ip: null, userAgent: "vitest" }, () =>
      db.$transaction(async (tx) => {
        const promotionEvent = { targetType: "promotion", targetId: promotion.id } as const;
        await recordAuditEvent(tx, {
          ...promotionEvent,
          action: "promotion.approved",
          detail: { before: { status: "awaiting_approval" }, after: { status: "queued" } },
        });
        await recordAuditEvent(tx, {
          ...promotionEvent,
          action: "promotion.image_pushed",
          detail: { component: "acme/api", target: "mine.example/team/api:release-251120" },
        });
        await recordAuditEvent(tx, { action: "channel.synced", targetType: "channel", targetId: channel.id });
        await recordAuditEvent(tx, { action: "user.role_changed", targetType: "user", targetId: user.id });
        await recordAuditEvent(tx, { action: "registry.deleted", targetType: "registry", targetId: "gone" });
      }),
    );

    const [deleted, role, synced, pushed, approved] = (await listAuditEvents({})).events;
    const promotionLabel = "acme-platform release-251120 → my-private-registry";
    expect(approved).toMatchObject({
      summary: `Approved promotion ${promotionLabel}: status awaiting approval → queued`,
      targetLabel: promotionLabel,
      targetHref: `/promotions/${promotion.id}`,
    });
    expect(pushed!.summary).toBe(`Image pushed: acme/api (promotion ${promotionLabel})`);
    expect(synced).toMatchObject({
      summary: "Synced channel acme-platform",
      targetHref: `/releases/channels/${channel.id}/edit`,
    });
    expect(role).toMatchObject({ summary: `Role changed user ${user.email}`, targetLabel: user.email });
    // Gone since: the id is all there is.
    expect(deleted).toMatchObject({ summary: "Deleted registry gone", targetLabel: null, targetHref: null });
  });
});
