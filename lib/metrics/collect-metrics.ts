import "server-only";
import { Counter, Gauge, Registry, type Metric } from "prom-client";
import { db } from "@/lib/db/prisma";
import { bossSchema } from "@/lib/queue/boss";
import { blobMetricNames } from "./blob-transfer-meter";
import { allProcessesHttpMetrics } from "./http-metrics";
import { readCounters } from "./metric-counters";

const promotionStatuses = [
  "awaiting_approval",
  "rejected",
  "withdrawn",
  "queued",
  "running",
  "succeeded",
  "failed",
  "stopped",
];
const imageStatuses = ["pending", "pushing", "pushed", "stopped", "failed"];
const deliveryStatuses = ["pending", "delivered", "failed"];

/**
 * The Prometheus text of one scrape. Figures about the whole installation come from the
 * database at scrape time (statuses, queue, heartbeats, channels, webhooks, and the counters
 * workers add to), so any web process answers for every worker; HTTP request durations are
 * those of the web processes `gantry start` runs on this port (GANTRY_WEB_PROCESSES), summed.
 */
export async function collectMetrics(): Promise<{ contentType: string; body: string }> {
  const registry = new Registry();
  const gauge = (name: string, help: string, labelNames: string[]) =>
    new Gauge({ name, help, labelNames, registers: [registry] });
  const names = await registryNames();

  const promotions = gauge("gantry_promotions", "Promotions by status", ["status"]);
  const images = gauge("gantry_promotion_images", "Promotion images by status", ["status"]);
  for (const status of promotionStatuses) promotions.set({ status }, 0);
  for (const status of imageStatuses) images.set({ status }, 0);
  const [promotionRows, imageRows] = await Promise.all([
    db().promotion.groupBy({ by: ["status"], _count: true }),
    db().promotionImage.groupBy({ by: ["status"], _count: true }),
  ]);
  for (const row of promotionRows) promotions.set({ status: row.status }, row._count);
  for (const row of imageRows) images.set({ status: row.status }, row._count);

  await Promise.all([queueMetrics(gauge), workerMetrics(gauge), channelMetrics(gauge), webhookMetrics(gauge)]);
  await counterMetrics(registry, names);
  const merged = Registry.merge([registry, await allProcessesHttpMetrics()]);
  return { contentType: merged.contentType, body: await merged.metrics() };
}

type MakeGauge = (name: string, help: string, labelNames: string[]) => Gauge;

async function queueMetrics(gauge: MakeGauge): Promise<void> {
  const depth = gauge("gantry_queue_depth", "Jobs waiting to run (due now) per queue", ["queue"]);
  const active = gauge("gantry_queue_active", "Jobs running per queue", ["queue"]);
  const oldest = gauge("gantry_queue_oldest_job_age_seconds", "How long the oldest due job has waited", ["queue"]);
  const rows = await db().$queryRawUnsafe<{ queue: string; depth: number; active: number; oldest: number }[]>(`
    SELECT q.name AS queue,
      count(j.id) FILTER (WHERE j.state IN ('created', 'retry') AND j.start_after <= now())::int AS depth,
      count(j.id) FILTER (WHERE j.state = 'active')::int AS active,
      coalesce(extract(epoch FROM now() - min(j.start_after) FILTER (WHERE j.state IN ('created', 'retry') AND j.start_after <= now())), 0)::float8 AS oldest
    FROM ${bossSchema}.queue q LEFT JOIN ${bossSchema}.job j ON j.name = q.name
    GROUP BY q.name`);
  for (const row of rows) {
    depth.set({ queue: row.queue }, row.depth);
    active.set({ queue: row.queue }, row.active);
    oldest.set({ queue: row.queue }, row.oldest);
  }
}

async function workerMetrics(gauge: MakeGauge): Promise<void> {
  const age = gauge("gantry_worker_heartbeat_age_seconds", "Seconds since each worker last reported", ["worker"]);
  const rows = await db().$queryRaw<{ id: string; age: number }[]>`
    SELECT id, extract(epoch FROM now() - "beatAt")::float8 AS age FROM "WorkerHeartbeat"`;
  for (const row of rows) age.set({ worker: row.id }, row.age);
}

async function channelMetrics(gauge: MakeGauge): Promise<void> {
  const failing = gauge("gantry_channel_sync_failing", "1 while a channel's last sync failed", ["channel"]);
  const channels = await db().releaseChannel.findMany({ select: { name: true, syncState: true } });
  for (const channel of channels) failing.set({ channel: channel.name }, channel.syncState === "failed" ? 1 : 0);
}

async function webhookMetrics(gauge: MakeGauge): Promise<void> {
  const deliveries = gauge("gantry_webhook_deliveries", "Webhook deliveries kept, by status", ["webhook", "status"]);
  const [webhooks, rows] = await Promise.all([
    db().webhook.findMany({ select: { id: true, name: true } }),
    db().webhookDelivery.groupBy({ by: ["webhookId", "status"], _count: true }),
  ]);
  const name = new Map(webhooks.map((w) => [w.id, w.name]));
  for (const webhook of webhooks)
    for (const status of deliveryStatuses) deliveries.set({ webhook: webhook.name, status }, 0);
  for (const row of rows)
    deliveries.set({ webhook: name.get(row.webhookId) ?? row.webhookId, status: row.status }, row._count);
}

/** The counters workers add to in the database, with each target shown by its connection's name. */
async function counterMetrics(registry: Registry, names: Map<string, string>): Promise<void> {
  const rows = await readCounters("gantry_");
  const target = (labels: Record<string, string>) => ({
    ...labels,
    target: names.get(labels.target!) ?? labels.target!,
  });
  const bytes = new Counter({
    name: blobMetricNames.bytesMoved,
    help: "Blob bytes uploaded to each target",
    labelNames: ["target"],
    registers: [registry],
  });
  const mounted = new Counter({
    name: blobMetricNames.blobsMounted,
    help: "Blobs mounted from another repository of the target instead of uploaded",
    labelNames: ["target"],
    registers: [registry],
  });
  for (const row of rows) {
    if (row.name === blobMetricNames.bytesMoved) bytes.inc(target(row.labels), row.value);
    if (row.name === blobMetricNames.blobsMounted) mounted.inc(target(row.labels), row.value);
  }
  const prefix = blobMetricNames.transferDuration;
  const histogram = rows
    .filter((row) => row.name.startsWith(`${prefix}_`))
    .map((row) => ({ metricName: row.name, labels: target(row.labels), value: row.value }))
    .sort((a, b) => a.labels.target!.localeCompare(b.labels.target!) || order(a) - order(b));
  // prom-client cannot load bucket counts into a Histogram, so this one is rendered from the stored series.
  registry.registerMetric({
    name: prefix,
    help: "Time to upload one blob to a target",
    type: "histogram",
    get: () => ({
      name: prefix,
      help: "Time to upload one blob to a target",
      type: "histogram",
      values: histogram,
      aggregator: "sum",
    }),
  } as unknown as Metric);
}

function order(series: { metricName: string; labels: Record<string, string> }): number {
  const le = series.labels.le;
  if (series.metricName.endsWith("_bucket")) return le === "+Inf" ? 1e12 : Number(le);
  return series.metricName.endsWith("_sum") ? 2e12 : 3e12;
}

async function registryNames(): Promise<Map<string, string>> {
  const registries = await db().registry.findMany({ select: { id: true, name: true } });
  return new Map(registries.map((r) => [r.id, r.name]));
}
