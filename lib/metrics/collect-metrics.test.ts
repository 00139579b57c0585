import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET } from "@/app/metrics/route";
import { promoteImageJob } from "@/lib/queue/jobs/promote-image";
import { seedImage } from "@/test/fixtures/oci-image";
import { startRegistry, type RunningRegistry } from "@/test/fixtures/registry";
import { setupTestDatabase } from "@/test/support/database";
import { connectRegistry, createRelease, promote, waitForPromotion } from "@/test/support/promotion-test-kit";
import { runWorker, type RunningWorker } from "@/worker/run-worker";
import { installHttpMetrics } from "./http-metrics";
import { serveMetricsPort } from "./serve-metrics-port";

process.env.GANTRY_SECRET_KEY = crypto.randomBytes(32).toString("base64");
process.env.GANTRY_ALLOW_LOOPBACK_REGISTRIES = "1";
const database = setupTestDatabase();
const token = crypto.randomBytes(16).toString("hex");
const MB = 1 << 20;

/** Every series the issue names, as a Prometheus user would query them. */
const series = [
  'gantry_promotions{status="succeeded"} 1',
  'gantry_promotion_images{status="pushed"} 2',
  'gantry_bytes_moved_total{target="prod"}',
  'gantry_blobs_mounted_total{target="prod"} 1',
  'gantry_blob_transfer_duration_seconds_bucket{le="+Inf",target="prod"} 5',
  'gantry_blob_transfer_duration_seconds_sum{target="prod"}',
  'gantry_blob_transfer_duration_seconds_count{target="prod"} 5',
  'gantry_queue_depth{queue="promote-image"}',
  'gantry_queue_oldest_job_age_seconds{queue="promote-image"}',
  "gantry_worker_heartbeat_age_seconds{worker=",
  "gantry_channel_sync_failing{channel=",
  'gantry_webhook_deliveries{webhook="ops",status="failed"} 0',
  'gantry_http_request_duration_seconds_bucket{le="+Inf",route="/api/v1/promotions/[id]",method="GET",status="200"} 1',
];

let source: RunningRegistry;
let target: RunningRegistry;
let worker: RunningWorker;

beforeAll(async () => {
  [source, target] = await Promise.all([startRegistry(), startRegistry()]);
  const base = { size: MB, seed: "metrics-base" };
  const api = await seedImage(source, "vendor/api", "1.0", { layers: [base, { size: MB, seed: "metrics-api" }] });
  const engine = await seedImage(source, "vendor/engine", "1.0", { layers: [base, { size: MB, seed: "metrics-e" }] });
  const sourceId = await connectRegistry("vendor", source.host);
  const targetId = await connectRegistry("prod", target.host);
  const releaseId = await createRelease(sourceId, "1.0", [
    { repository: "vendor/api", built: api },
    { repository: "vendor/engine", built: engine },
  ]);
  await database
    .db()
    .webhook.create({ data: { name: "ops", url: "https://hooks.example.com/x", secretCiphertext: "" } });
  worker = await runWorker({ databaseUrl: database.url(), definitions: [promoteImageJob] });
  const id = await promote({ releaseId, targetRegistryId: targetId, repositoryPrefix: "team/" });
  expect((await waitForPromotion(id)).status).toBe("succeeded");
});

afterAll(async () => {
  await worker?.stop();
  await Promise.all([source?.stop(), target?.stop()]);
});

describe("GET /metrics", () => {
  it("is off by default: 404", async () => {
    delete process.env.GANTRY_METRICS_TOKEN;
    expect((await GET(scrape(`Bearer ${token}`))).status).toBe(404);
  });

  it("with GANTRY_METRICS_TOKEN, refuses a scrape without it or with another", async () => {
    process.env.GANTRY_METRICS_TOKEN = token;
    expect((await GET(scrape(null))).status).toBe(401);
    expect((await GET(scrape("Bearer not-the-token"))).status).toBe(401);
  });

  it("after a promotion, every series is present in the Prometheus text format", async () => {
    process.env.GANTRY_METRICS_TOKEN = token;
    // A web request timed by the instrumented server, under its route's name.
    installHttpMetrics({ routes: ["/api/v1/promotions/[id]", "/api/v1/promotions/new"] });
    const server = http.createServer((_request, response) => response.end("{}"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/promotions/cm123?x=1`);
    server.close();

    const response = await GET(scrape(`Bearer ${token}`));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    for (const line of series) expect(text).toContain(line);
    // The Grafana dashboard in docs/ queries only series that exist.
    const dashboard = fs.readFileSync(path.join(process.cwd(), "docs", "grafana-dashboard.json"), "utf8");
    const queried = new Set(dashboard.match(/gantry_[a-z_]+/g));
    expect(queried.size).toBeGreaterThan(10);
    for (const name of queried) expect(text, name).toMatch(new RegExp(`^${name}[{ ]`, "m"));
    // Two images share a base layer: it moved once and was mounted once; with the two configs, five blobs were uploaded.
    const bytes = Number(/gantry_bytes_moved_total\{target="prod"\} (\d+)/.exec(text)?.[1]);
    expect(bytes).toBeGreaterThan(3 * MB);
    expect(bytes).toBeLessThan(3.1 * MB);
  });

  it("GANTRY_METRICS_PORT serves the same text on 127.0.0.1 without a token", async () => {
    const server = serveMetricsPort(0);
    await new Promise((resolve) => server.once("listening", resolve));
    const { address, port } = server.address() as AddressInfo;
    expect(address).toBe("127.0.0.1");
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    server.close();
    expect(text).toContain('gantry_promotions{status="succeeded"} 1');
  });
});

function scrape(authorization: string | null): Request {
  return new Request("http://localhost/metrics", authorization ? { headers: { authorization } } : {});
}
