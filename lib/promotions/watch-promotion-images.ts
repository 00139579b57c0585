import { db } from "@/lib/db/prisma";

/**
 * While a worker copies images: checks their rows every `watchMs` and calls `onLost` as soon
 * as one is no longer this worker's pushing image (stopped by an operator, taken back by
 * recovery), and refreshes their heartbeat every `heartbeatMs`, then calls `onHeartbeat`.
 * Returns the function that ends the watch.
 */
export function watchPromotionImages(
  images: { ids: string[]; workerId: string },
  options: {
    watchMs: number;
    heartbeatMs: number;
    onLost: (id: string) => void;
    onHeartbeat?: () => Promise<void>;
  },
): () => void {
  let lastBeat = Date.now();
  let busy = false;
  const watched = new Set(images.ids);
  const tick = async () => {
    if (busy || watched.size === 0) return;
    busy = true;
    try {
      const rows = await db().promotionImage.findMany({
        where: { id: { in: [...watched] } },
        select: { id: true, status: true, workerId: true },
      });
      for (const id of [...watched]) {
        const row = rows.find((r) => r.id === id);
        if (!row || row.status !== "pushing" || row.workerId !== images.workerId) {
          watched.delete(id);
          options.onLost(id);
        }
      }
      if (watched.size > 0 && Date.now() - lastBeat >= options.heartbeatMs) {
        lastBeat = Date.now();
        await db().promotionImage.updateMany({
          where: { id: { in: [...watched] }, status: "pushing", workerId: images.workerId },
          data: { heartbeatAt: new Date() },
        });
        await options.onHeartbeat?.();
      }
    } catch {
      // The database may be briefly away; the next tick tries again.
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), options.watchMs);
  timer.unref?.();
  return () => clearInterval(timer);
}
