import type { DeliveredEvent } from "./webhook-events";

/**
 * The JSON body of a delivery (format "json"). `id` is the event's: the same in every
 * webhook's delivery of one event and in a redelivery, so a receiver can drop duplicates.
 */
export interface WebhookPayload {
  id: string;
  event: DeliveredEvent;
  createdAt: string;
  promotion: WebhookPromotionSummary | null;
  data: Record<string, unknown>;
}

export interface WebhookPromotionSummary {
  id: string;
  status: string;
  /** The promotion's page in the console, when GANTRY_URL (or NEXTAUTH_URL) is known. */
  url: string | null;
  release: { id: string; tag: string; channel: string };
  target: { id: string; name: string; endpoint: string };
  requestedBy: string | null;
  images: {
    total: number;
    pushed: number;
    failed: number;
    pending: number;
    items: { component: string; target: string; digest: string; status: string; failure: string | null }[];
  };
}

/** The console's public address, for links in messages. */
export function consoleUrl(env: Record<string, string | undefined> = process.env): string | null {
  const url = env.GANTRY_URL ?? env.NEXTAUTH_URL;
  return url ? url.replace(/\/+$/, "") : null;
}
