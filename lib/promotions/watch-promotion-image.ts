import { db } from "@/lib/db/prisma";

/**
 * While a worker copies an image: checks the row every `watchMs` and calls `onLost` as soon
 * as it is no longer this worker's pushing image (stopped by an operator, taken back by
 * recovery), and refreshes the heartbeat every `heartbeatMs`. Returns the function that
 * ends the watch.
 */
export function watchPromotionImage(image: { id: string; workerId: string }, options: { watchMs: number; heartbeatMs: number; onLost: () => void }): () => void {
  let lastBeat = Date.now();
  let busy = false;
  let lost = false;
  const tick = async () => {
    if (busy || lost) return;
    busy = true;
    try {
      const row = await db().promotionImage.findUnique({ where: { id: image.id }, select: { status: true, workerId: true } });
      if (!row || row.status !== "pushing" || row.workerId !== image.workerId) {
        lost = true;
        return options.onLost();
      }
      if (Date.now() - lastBeat >= options.heartbeatMs) {
        lastBeat = Date.now();
        await db().promotionImage.updateMany({ where: { id: image.id, status: "pushing", workerId: image.workerId }, data: { heartbeatAt: new Date() } });
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
