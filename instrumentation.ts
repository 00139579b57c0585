/** Runs once when a web process starts: request timing for /metrics, and GANTRY_METRICS_PORT. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { installHttpMetrics } = await import("@/lib/metrics/http-metrics");
  installHttpMetrics();
  const port = Number(process.env.GANTRY_METRICS_PORT);
  if (Number.isInteger(port) && port > 0) {
    const { serveMetricsPort } = await import("@/lib/metrics/serve-metrics-port");
    serveMetricsPort(port);
  }
}
