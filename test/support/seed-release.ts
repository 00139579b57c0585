import type { PrismaClient } from "@/lib/db/generated/client";

/**
 * The smallest rows a promotion hangs off: a source and a target registry (generic, anonymous,
 * never contacted), a channel with one component, and one release of it — for route tests that
 * need a promotion to exist but copy nothing.
 */
export async function seedRelease(db: PrismaClient): Promise<{ releaseId: string; targetRegistryId: string }> {
  const [source, target] = await Promise.all(
    ["vendor", "mine"].map((name) =>
      db.registry.create({ data: { name, provider: "generic", endpoint: `${name}.example`, authKind: "anonymous" } }),
    ),
  );
  const channel = await db.releaseChannel.create({
    data: { name: "acme", sourceRegistryId: source!.id, components: ["acme/api"], tagPattern: ".*", ordering: "date" },
  });
  const release = await db.release.create({
    data: { channelId: channel.id, tag: "release-251120", sortKey: "251120" },
  });
  return { releaseId: release.id, targetRegistryId: target!.id };
}
