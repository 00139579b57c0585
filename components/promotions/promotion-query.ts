import type { PromotionView } from "@/lib/promotions/promotion-view";

/** The one key factory for promotion queries (TanStack Query). */
export const promotionKeys = {
  all: ["promotions"] as const,
  detail: (id: string) => ["promotions", "detail", id] as const,
};

/** An HTTP failure with its status, so the query client stops retrying on 401/403. */
export class FetchError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** GET /api/v1/promotions/{id}: the polling fallback when the event stream is unavailable. */
export async function fetchPromotion(id: string, signal?: AbortSignal): Promise<PromotionView> {
  const response = await fetch(`/api/v1/promotions/${encodeURIComponent(id)}`, {
    signal,
    headers: { accept: "application/json" },
    cache: "no-store",
  });
  if (!response.ok) throw new FetchError(`Reading the promotion failed (${response.status})`, response.status);
  return (await response.json()) as PromotionView;
}

/** The stream's URL: the full view now and after each change. */
export function promotionEventsUrl(id: string): string {
  return `/api/v1/promotions/${encodeURIComponent(id)}/events`;
}
