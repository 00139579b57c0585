import "server-only";
import { db } from "@/lib/db/prisma";
import { megabitsToBytesPerSecond, Throttle } from "@/lib/oci/transport/throttle";

export interface BandwidthShare {
  /** Paces this copy's uploads; unlimited while the target has no cap. */
  throttle: Throttle;
  /** Re-reads the cap and who else pushes into the target, and sets this copy's rate. */
  refresh(): Promise<void>;
  /** Ends this job's use of the share. */
  release(): void;
}

interface Pair {
  workerId: string;
  promotionId: string;
}

interface Shared {
  throttle: Throttle;
  users: number;
}

// A worker's jobs of one promotion share one budget: the share is per (worker, promotion).
const shares = new Map<string, Shared>();

/**
 * A target's optional bandwidth cap (Registry.bandwidthLimitMbps) is shared by every copy
 * pushing into it, on every worker, with no coordination beyond the image rows: each distinct
 * (worker, promotion) pair with images pushing into the target and a heartbeat fresher than
 * `freshMs` gets an equal part. Each worker re-reads on its heartbeat, so shares rebalance
 * within one heartbeat when a copy starts or ends (until then a newcomer's part comes on top).
 */
export async function openBandwidthShare(pair: Pair, options: { freshMs: number }): Promise<BandwidthShare> {
  const key = `${pair.workerId}\u0000${pair.promotionId}`;
  let shared = shares.get(key);
  if (!shared) shares.set(key, (shared = { throttle: new Throttle(Infinity), users: 0 }));
  shared.users++;
  const { throttle } = shared;
  const refresh = async () => throttle.setRate(await rateFor(pair, options.freshMs));
  try {
    await refresh();
  } catch {
    // The database may be briefly away: uncapped until the next heartbeat reads it again.
  }
  let released = false;
  return {
    throttle,
    refresh,
    release() {
      if (released) return;
      released = true;
      if (--shared.users === 0) shares.delete(key);
    },
  };
}

async function rateFor(pair: Pair, freshMs: number): Promise<number> {
  const promotion = await db().promotion.findUnique({
    where: { id: pair.promotionId },
    select: { targetRegistryId: true, targetRegistry: { select: { bandwidthLimitMbps: true } } },
  });
  const limit = megabitsToBytesPerSecond(promotion?.targetRegistry.bandwidthLimitMbps);
  if (!promotion || limit === Infinity) return Infinity;
  const pushing = await db().promotionImage.findMany({
    where: {
      status: "pushing",
      workerId: { not: null },
      heartbeatAt: { gte: new Date(Date.now() - freshMs) },
      promotion: { targetRegistryId: promotion.targetRegistryId },
    },
    distinct: ["workerId", "promotionId"],
    select: { workerId: true, promotionId: true },
  });
  // This pair counts even if its own heartbeat is late.
  const others = pushing.filter((p) => p.workerId !== pair.workerId || p.promotionId !== pair.promotionId).length;
  return limit / (others + 1);
}
