import type { PrismaClient } from "@/lib/db/generated/client";

/** What a person knows a target by, and where it lives in the console. */
export interface AuditTargetLabel {
  label: string;
  href: string | null;
}

type Target = { targetType: string; targetId: string | null };

/**
 * Names for the targets of a page of events, in one query per kind of target (never one per
 * row): a promotion by its release tag and target registry, a registry or channel by its
 * name, a user by e-mail. A target deleted since keeps its id (no entry).
 */
export async function labelAuditTargets(
  events: Target[],
  client: PrismaClient,
): Promise<Map<string, AuditTargetLabel>> {
  const ids = (type: string) => [
    ...new Set(events.filter((e) => e.targetType === type && e.targetId).map((e) => e.targetId!)),
  ];
  const [promotions, registries, channels, users] = await Promise.all([
    some(ids("promotion"), (id) =>
      client.promotion.findMany({
        where: { id: { in: id } },
        select: {
          id: true,
          release: { select: { tag: true, channel: { select: { name: true } } } },
          targetRegistry: { select: { name: true } },
        },
      }),
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
      label: `${p.release.channel.name} ${p.release.tag} → ${p.targetRegistry.name}`,
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
