import "server-only";
import { UserError } from "@/lib/change/errors";
import { loadConnection } from "@/lib/connections/load-connection";
import { db } from "@/lib/db/prisma";
import { createLimiter } from "@/lib/oci/limiter";
import { redact } from "@/lib/oci/redact";
import { RegistryClient } from "@/lib/oci/registry-client";
import { headManifest } from "@/lib/oci/remote-manifest";
import { messageOf } from "@/lib/registries/connection-check/access-probes";
import { openRegistry, registryClientOptions } from "@/lib/registries/open-registry";
import type { RegistryAdapter } from "@/lib/registries/registry-adapter";
import { storedDrift, type DriftedTag } from "./promotion-drift";

/** What one look at a target found, per succeeded promotion of it. */
export interface TargetDriftReading {
  registryId: string;
  registryName: string;
  checkedAt: Date;
  /** Every succeeded promotion of the target: what drifted among the tags it is the latest promotion of. */
  promotions: { id: string; drifted: DriftedTag[]; previous: DriftedTag[] }[];
  /** Tags read, and tags the target could not answer for (left as they were). */
  tagsRead: number;
  unreadable: string[];
}

/** Tag reads in flight at once. */
const CONCURRENCY = 4;
const TIMEOUT_MS = 2 * 60_000;

/**
 * Reads every tag Gantry promoted to a target — the latest succeeded promotion of each
 * repository:tag wins — with a HEAD of its manifest, and says which now hold another digest
 * or are gone. A tag the registry cannot answer for (an error other than 404) is not flagged:
 * its previous finding stays.
 */
export async function readTargetDrift(
  registryId: string,
  options: { signal?: AbortSignal } = {},
): Promise<TargetDriftReading> {
  const promotions = await db().promotion.findMany({
    where: { targetRegistryId: registryId, status: "succeeded" },
    orderBy: [{ finishedAt: { sort: "desc", nulls: "last" } }, { createdAt: "desc" }, { id: "desc" }],
    select: {
      id: true,
      drift: true,
      images: {
        where: { status: "pushed" },
        select: { component: true, targetRef: true, digest: true, targetDigest: true },
      },
    },
  });
  const owner = new Map<string, { promotionId: string; component: string; expected: string }>();
  for (const promotion of promotions)
    for (const image of promotion.images)
      if (!owner.has(image.targetRef))
        owner.set(image.targetRef, {
          promotionId: promotion.id,
          component: image.component,
          expected: image.targetDigest ?? image.digest,
        });

  const { row, connection } = await loadConnection(registryId);
  const signal = options.signal
    ? AbortSignal.any([options.signal, AbortSignal.timeout(TIMEOUT_MS)])
    : AbortSignal.timeout(TIMEOUT_MS);
  const found = new Map<string, string | null>();
  const unreadable: string[] = [];
  if (owner.size > 0) {
    let adapter: RegistryAdapter;
    try {
      adapter = await openRegistry(connection);
    } catch (error) {
      const message = redact(messageOf(error), connection.secret ? [connection.secret] : []);
      throw new UserError(`id: the registry ${row.name} cannot be used: ${message}`, "id", 409);
    }
    const client = new RegistryClient({ ...registryClientOptions(adapter), side: "target" });
    try {
      const limiter = createLimiter(CONCURRENCY);
      await Promise.all(
        [...owner.keys()].map((ref) =>
          limiter.run(async () => {
            const { repository, tag } = splitTargetRef(ref);
            try {
              const head = await headManifest({ client, repository, reference: tag, signal });
              found.set(ref, head?.digest ?? null);
            } catch {
              unreadable.push(ref);
            }
          }, signal),
        ),
      );
    } finally {
      await client.close().catch(() => undefined);
      await adapter.close().catch(() => undefined);
    }
  }

  const reading: TargetDriftReading = {
    registryId,
    registryName: row.name,
    checkedAt: new Date(),
    tagsRead: found.size,
    unreadable: unreadable.sort(),
    promotions: promotions.map((promotion) => {
      const previous = storedDrift(promotion.drift);
      const drifted: DriftedTag[] = [];
      for (const [ref, own] of owner) {
        if (own.promotionId !== promotion.id) continue;
        if (!found.has(ref)) {
          const before = previous.find((entry) => entry.component === own.component);
          if (before) drifted.push(before);
          continue;
        }
        const now = found.get(ref)!;
        if (now !== own.expected) drifted.push({ component: own.component, expected: own.expected, found: now });
      }
      return { id: promotion.id, drifted: drifted.sort((a, b) => a.component.localeCompare(b.component)), previous };
    }),
  };
  return reading;
}

/** `host[:port]/team/api:1.0.0` → repository `team/api`, tag `1.0.0` (targets are always written with a tag). */
function splitTargetRef(ref: string): { repository: string; tag: string } {
  const path = ref.slice(ref.indexOf("/") + 1);
  const colon = path.lastIndexOf(":");
  return { repository: path.slice(0, colon), tag: path.slice(colon + 1) };
}
