import "server-only";
import { headManifest } from "@/lib/oci/remote-manifest";
import type { OpenedRegistry } from "./open-promotion-registries";

export interface PlannedTags {
  /** The target holds the component's manifest by digest already (an earlier promotion left it). */
  atTarget: boolean;
  /** Each tag the promotion moves and the digest it points at now (null: no such tag). */
  tags: { tag: string; now: string | null }[];
}

/**
 * Where the tags a promotion would move point now, and whether each manifest is at the target
 * by digest: with every manifest there, the promotion moves no byte and only moves tags —
 * back to an earlier release still at the target, that is the roll back. HEADs only; a
 * target that cannot answer shows the tag as absent (the copy plan reports the failure).
 */
export async function planTags(
  target: OpenedRegistry,
  items: { repository: string; digest: string; tag: string }[],
  movingTag: string | undefined,
  signal?: AbortSignal,
): Promise<PlannedTags[]> {
  const head = async (repository: string, reference: string) =>
    (await headManifest({ client: target.client, repository, reference, push: true, signal }).catch(() => undefined))
      ?.digest ?? null;
  return Promise.all(
    items.map(async (item) => {
      const tags = [...new Set([item.tag, ...(movingTag ? [movingTag] : [])])];
      const [atTarget, ...now] = await Promise.all([
        head(item.repository, item.digest),
        ...tags.map((tag) => head(item.repository, tag)),
      ]);
      return { atTarget: atTarget === item.digest, tags: tags.map((tag, i) => ({ tag, now: now[i] ?? null })) };
    }),
  );
}
