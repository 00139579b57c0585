// Bundled by bench/progress-latency.mjs: the engine's own progress writer, so the benchmark
// measures the UPDATE + NOTIFY a worker really does, not an imitation of it.
import { db } from "@/lib/db/prisma";
import { ImageProgressWriter } from "@/lib/promotions/image-progress-writer";
import { promotionSettings } from "@/lib/promotions/promotion-settings";

export function createProgressWriter(image: {
  id: string;
  promotionId: string;
  workerId: string;
}): ImageProgressWriter {
  return new ImageProgressWriter(image, {
    intervalMs: promotionSettings().progressIntervalMs,
    onLost: () => {
      throw new Error("the benchmark's image is no longer pushing: something else changed its row");
    },
  });
}

export async function disconnect(): Promise<void> {
  await db().$disconnect();
}
