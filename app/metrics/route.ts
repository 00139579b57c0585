import { collectMetrics } from "@/lib/metrics/collect-metrics";
import { metricsAccess } from "@/lib/metrics/metrics-access";

export const dynamic = "force-dynamic";

/** Prometheus scrape endpoint: 404 unless GANTRY_METRICS_TOKEN is set, then that Bearer token only. */
export async function GET(request: Request): Promise<Response> {
  const access = metricsAccess(request.headers.get("authorization"));
  if (access === "off") return new Response("Not Found", { status: 404 });
  if (access === "refused")
    return new Response("Unauthorized", { status: 401, headers: { "www-authenticate": 'Bearer realm="metrics"' } });
  const { contentType, body } = await collectMetrics();
  return new Response(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
}
