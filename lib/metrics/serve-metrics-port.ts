import "server-only";
import http from "node:http";
import { log } from "@/lib/log";
import { collectMetrics } from "./collect-metrics";
import { skipHttpMetrics } from "./http-metrics";

/**
 * GANTRY_METRICS_PORT: /metrics without a token on a port of its own, bound to 127.0.0.1 only
 * (a Prometheus agent on the same machine, or a tunnel). Each process on one machine needs its own port.
 */
export function serveMetricsPort(port: number): http.Server {
  const server = http.createServer((request, response) => {
    if (request.method !== "GET" || request.url?.split("?")[0] !== "/metrics") {
      response.writeHead(404).end();
      return;
    }
    collectMetrics().then(
      ({ contentType, body }) => response.writeHead(200, { "content-type": contentType }).end(body),
      (error: Error) => {
        log.error({ err: { message: error.message } }, "metrics scrape failed");
        response.writeHead(500).end();
      },
    );
  });
  skipHttpMetrics(server);
  server.on("error", (error) => log.error({ err: { message: error.message }, port }, "metrics port failed"));
  server.listen(port, "127.0.0.1");
  return server;
}
