/**
 * What every fault test checks after its fault: the promotion reached a final state (each
 * image pushed, or failed with a kind), no image is left `pushing`, nothing was lost (every
 * image is accounted for), and the console still answers (/api/health's route handler).
 */
import { expect } from "vitest";
import { GET as healthRoute } from "@/app/api/health/route";
import { db } from "@/lib/db/prisma";
import { waitForPromotion } from "@/test/support/promotion-test-kit";
import type { PromotionView } from "@/lib/promotions/promotion-view";
import { seedImage, type BuiltImage } from "@/test/fixtures/oci-image";
import type { RunningRegistry } from "@/test/fixtures/registry";

const MB = 1 << 20;

/** Waits for a final status, then asserts nothing is stuck and every image has an outcome. */
export async function settledPromotion(id: string, timeoutMs = 90_000): Promise<PromotionView> {
  const view = await waitForPromotion(
    id,
    (v) =>
      ["succeeded", "failed", "stopped"].includes(v.status) &&
      v.images.every((i) => i.status === "pushed" || i.status === "failed" || i.status === "stopped"),
    timeoutMs,
  );
  const rows = await db().promotionImage.findMany({
    where: { promotionId: id },
    select: { status: true, workerId: true },
  });
  expect(rows.length).toBe(view.images.length);
  expect(rows.filter((r) => r.status === "pushing" || r.status === "pending")).toEqual([]);
  for (const image of view.images) {
    if (image.status === "failed") expect(image.failure?.kind).toBeTruthy();
    if (image.status === "pushed") expect(image.targetDigest).toBe(image.digest);
  }
  return view;
}

/** The console's health route answers with the database reachable. */
export async function expectConsoleAnswers(): Promise<void> {
  const response = await healthRoute();
  const body = (await response.json()) as { database: { ok: boolean } };
  expect(body.database.ok).toBe(true);
}

/** Seeds a three-image release (a shared base layer and one layer of its own each) under `tag`. */
export async function seedThreeImages(
  source: RunningRegistry,
  tag: string,
  sizes = { base: MB, own: [2 * MB, MB, MB / 2] },
): Promise<{ repository: string; built: BuiltImage }[]> {
  const base = { size: sizes.base, seed: `proof-base-${tag}` };
  const names = ["vendor/api", "vendor/engine", "vendor/proxy"];
  const images: { repository: string; built: BuiltImage }[] = [];
  for (const [index, repository] of names.entries()) {
    const built = await seedImage(source, repository, tag, {
      layers: [base, { size: sizes.own[index]!, seed: `proof-${repository}-${tag}` }],
    });
    images.push({ repository, built });
  }
  return images;
}

/** A small seeded PRNG (mulberry32): the same seed gives the same fault offsets on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
