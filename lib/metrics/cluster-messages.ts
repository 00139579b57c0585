/**
 * With several web processes on one port (GANTRY_WEB_PROCESSES), a scrape reaches one of them;
 * it asks the others, through the primary (cli/web/serve-web.ts), for their request histograms
 * and answers the sum. These are the messages of that exchange.
 */
export const metricsMessages = {
  /** web process → primary: { type, id } */
  request: "gantry:http-metrics:request",
  /** primary → every web process: { type, id } */
  collect: "gantry:http-metrics:collect",
  /** web process → primary: { type, id, metrics } (prom-client's getMetricsAsJSON) */
  reply: "gantry:http-metrics:reply",
  /** primary → the asking process: { type, id, metrics: [one array per process] } */
  result: "gantry:http-metrics:result",
} as const;

export interface MetricsMessage {
  type: string;
  id: string;
  metrics?: unknown;
}

export function isMetricsMessage(message: unknown, type: string): message is MetricsMessage {
  return (
    typeof message === "object" &&
    message !== null &&
    (message as MetricsMessage).type === type &&
    typeof (message as MetricsMessage).id === "string"
  );
}
