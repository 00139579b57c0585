import type { PrismaClient } from "@/lib/db/generated/client";

/** What a person knows a target by, and where it lives in the console. */
export interface AuditTargetLabel {
  label: string;
  href: string | null;
}

type Target = { targetType: string; targetId: string | null };

/**
 * Names for the targets of a page of events, in one query per kind of target, side by side
 * (never one per row): a promotion by its release tag and target registry, a registry or
 * channel by its name, a user by e-mail. A target deleted since keeps its id (no entry).
 */
export async function labelAuditTargets(
  events: Target[],
  client: PrismaClient,
): Promise<Map<string, AuditTargetLabel>> {
  const ids = (type: string) => [
    ...new Set(events.filter((e) => e.targetType === type && e.targetId).map((e) => e.targetId!)),
  ];
  const [promotions, registries, channels, users] = await Promise.all([
    // One joined query: Prisma's nested select would wait for the promotions, then the
    // releases and registries, then the channels — three rounds for one column.
    some(
      ids("promotion"),
      (id) => client.$queryRaw<{ id: string; tag: string; channelName: string; targetName: string }[]>`
        SELECT p.id, r.tag, c.name AS "channelName", t.name AS "targetName"
        FROM "Promotion" p
        JOIN "Release" r ON r.id = p."releaseId"
        JOIN "ReleaseChannel" c ON c.id = r."channelId"
        JOIN "Registry" t ON t.id = p."targetRegistryId"
        WHERE p.id = ANY(${id})`,
    ),
    some(ids("registry"), (id) =>
      client.registry.findMany({ where: { id: { in: id } }, select: { id: true, name: true } }),
    ),
    some(ids("channel"), (id) =>
      client.releaseChannel.findMany({ where: { id: { in: id } }, select: { id: true, name: true } }),
    ),
    some(ids("user"), (id) => client.user.findMany({ where: { id: { in: id } }, select: { id: true, email: true } })),
  ]);
  const labels = new Map<string, AuditTargetLabel>();
  for (const p of promotions)
    labels.set(`promotion:${p.id}`, {
      label: `${p.channelName} ${p.tag} → ${p.targetName}`,
      href: `/promotions/${p.id}`,
    });
  for (const r of registries) labels.set(`registry:${r.id}`, { label: r.name, href: `/registries/${r.id}` });
  for (const c of channels) labels.set(`channel:${c.id}`, { label: c.name, href: `/releases/channels/${c.id}/edit` });
  for (const u of users) labels.set(`user:${u.id}`, { label: u.email, href: null });
  return labels;
}

async function some<T>(ids: string[], query: (ids: string[]) => Promise<T[]>): Promise<T[]> {
  return ids.length ? query(ids) : [];
}
