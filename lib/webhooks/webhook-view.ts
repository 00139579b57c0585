import "server-only";
import { NotFoundError } from "@/lib/change/errors";
import type { Prisma } from "@/lib/db/generated/client";
import { db } from "@/lib/db/prisma";
import type { AttemptRecord } from "./deliver-webhook";
import type { WebhookEvent } from "./webhook-events";

/**
 * A webhook as pages, API answers and audit may show it: never its secret, which exists
 * only sealed. Dates are ISO strings so the view crosses to client components unchanged.
 */
export interface WebhookView {
  id: string;
  name: string;
  url: string;
  /** Empty = every event. */
  events: WebhookEvent[];
  format: "json" | "slack";
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
  lastDelivery: {
    event: string;
    status: "pending" | "delivered" | "failed";
    statusCode: number | null;
    at: string;
  } | null;
}

export interface WebhookDeliveryView {
  id: string;
  webhookId: string;
  event: string;
  status: "pending" | "delivered" | "failed";
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  durationMs: number | null;
  createdAt: string;
  deliveredAt: string | null;
  /** When the next attempt is due (pending deliveries only). */
  nextAttemptAt: string | null;
  attemptLog: AttemptRecord[];
  payload: unknown;
}

export const webhookViewSelect = {
  id: true,
  name: true,
  url: true,
  events: true,
  format: true,
  enabled: true,
  createdAt: true,
  updatedAt: true,
  deliveries: {
    select: { event: true, status: true, lastStatusCode: true, createdAt: true },
    orderBy: { createdAt: "desc" },
    take: 1,
  },
} satisfies Prisma.WebhookSelect;

type WebhookRow = Prisma.WebhookGetPayload<{ select: typeof webhookViewSelect }>;

export function toWebhookView(row: WebhookRow): WebhookView {
  const last = row.deliveries[0];
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    events: (row.events ?? []) as WebhookEvent[],
    format: row.format,
    enabled: row.enabled,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    lastDelivery: last
      ? { event: last.event, status: last.status, statusCode: last.lastStatusCode, at: last.createdAt.toISOString() }
      : null,
  };
}

/**
 * What an audit event records of a webhook. The URL keeps only its origin: receivers such
 * as Slack put their credential in the path, and viewers read the audit trail.
 */
export function auditFieldsOf(row: {
  name: string;
  url: string;
  events: string[] | null;
  format: string;
  enabled: boolean;
}) {
  return { name: row.name, url: maskUrl(row.url), events: row.events ?? [], format: row.format, enabled: row.enabled };
}

export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.pathname === "/" && !parsed.search ? parsed.origin : `${parsed.origin}/…`;
  } catch {
    return "(invalid URL)";
  }
}

export async function listWebhooks(): Promise<WebhookView[]> {
  const rows = await db().webhook.findMany({ select: webhookViewSelect, orderBy: { name: "asc" } });
  return rows.map(toWebhookView);
}

/** One webhook without its secret; a 404 UserError when there is none with this id. */
export async function getWebhookOrThrow(id: string): Promise<WebhookView> {
  const row = await db().webhook.findUnique({ where: { id }, select: webhookViewSelect });
  if (!row) throw notFound(id);
  return toWebhookView(row);
}

/** The newest deliveries of a webhook, each with every attempt. */
export async function listWebhookDeliveries(
  webhookId: string,
  options: { limit?: number } = {},
): Promise<WebhookDeliveryView[]> {
  await getWebhookOrThrow(webhookId);
  const rows = await db().webhookDelivery.findMany({
    where: { webhookId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: options.limit ?? 50,
  });
  return rows.map((row) => ({
    id: row.id,
    webhookId: row.webhookId,
    event: row.event,
    status: row.status,
    attempts: row.attempts,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    durationMs: row.durationMs,
    createdAt: row.createdAt.toISOString(),
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
    nextAttemptAt: row.status === "pending" ? row.nextAttemptAt.toISOString() : null,
    attemptLog: row.attemptLog as unknown as AttemptRecord[],
    payload: row.payload,
  }));
}

export function notFound(id: string): NotFoundError {
  return new NotFoundError(`id: no webhook ${JSON.stringify(id.slice(0, 40))}`);
}
