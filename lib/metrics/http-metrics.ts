import "server-only";
import cluster from "node:cluster";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { AggregatorRegistry, Histogram, Registry } from "prom-client";
import { isMetricsMessage, metricsMessages } from "./cluster-messages";

interface HttpMetrics {
  registry: Registry;
  duration: Histogram<"route" | "method" | "status">;
  /** App routes as Next.js names them ("/api/v1/promotions/[id]/events"), for bounded `route` labels. */
  routes: RoutePattern[] | null;
}

interface RoutePattern {
  route: string;
  segments: string[];
}

// On globalThis: Next.js bundles instrumentation.ts and the /metrics route separately, and
// both must see the one histogram of this process.
const store = globalThis as { gantryHttpMetrics?: HttpMetrics; gantryMetricsListener?: boolean };
export const httpMetrics: HttpMetrics = (store.gantryHttpMetrics ??= createHttpMetrics());

function createHttpMetrics(): HttpMetrics {
  const registry = new Registry();
  const duration = new Histogram({
    name: "gantry_http_request_duration_seconds",
    help: "HTTP request duration of this web process, per route",
    labelNames: ["route", "method", "status"] as const,
    buckets: [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  return { registry, duration, routes: null };
}

const skipped = new WeakSet<http.Server>();

/**
 * Times every request an http.Server of this process answers (Next.js's own included: it
 * is installed from instrumentation.ts before requests arrive). Long-lived event streams are
 * observed when they end.
 */
export function installHttpMetrics(options: { routes?: string[] } = {}): void {
  httpMetrics.routes = (options.routes ?? nextAppRoutes()).map((route) => ({ route, segments: split(route) }));
  answerSiblingScrapes();
  const prototype = http.Server.prototype as http.Server & { gantryTimed?: boolean };
  if (prototype.gantryTimed) return;
  prototype.gantryTimed = true;
  const emit = prototype.emit;
  prototype.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request" && !skipped.has(this)) {
      const [request, response] = args as [http.IncomingMessage, http.ServerResponse];
      const started = process.hrtime.bigint();
      response.once("close", () => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const route = routeOf(request.url ?? "/");
        httpMetrics.duration.observe(
          { route, method: request.method ?? "GET", status: String(response.statusCode) },
          seconds,
        );
      });
    }
    return emit.apply(this, [event, ...args] as Parameters<typeof emit>);
  } as typeof prototype.emit;
}

/** Leaves a server out of the timing (the metrics port's own). */
export function skipHttpMetrics(server: http.Server): void {
  skipped.add(server);
}

/** The app route a path belongs to; "/_next" for assets and "unmatched" for anything else, so labels stay few. */
export function routeOf(url: string): string {
  const pathname = url.split("?")[0] ?? "/";
  if (pathname.startsWith("/_next/")) return "/_next";
  const segments = split(pathname);
  const candidates = (httpMetrics.routes ?? []).filter((pattern) => matches(pattern.segments, segments));
  // A literal segment beats a dynamic one: "/promotions/new" over "/promotions/[id]".
  candidates.sort((a, b) => dynamicCount(a.segments) - dynamicCount(b.segments));
  return candidates[0]?.route ?? "unmatched";
}

function matches(pattern: string[], segments: string[]): boolean {
  for (const [index, part] of pattern.entries()) {
    if (/^\[\[?\.\.\./.test(part)) return true;
    if (index >= segments.length) return false;
    if (!part.startsWith("[") && part !== segments[index]) return false;
  }
  return pattern.length === segments.length;
}

function dynamicCount(segments: string[]): number {
  return segments.filter((s) => s.startsWith("[")).length;
}

function split(pathname: string): string[] {
  return pathname.split("/").filter(Boolean);
}

/** Routes of the production build (its app-path-routes-manifest), with route groups already left out by Next.js. */
function nextAppRoutes(): string[] {
  try {
    const file = path.join(process.cwd(), ".next", "app-path-routes-manifest.json");
    return [...new Set(Object.values(JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, string>))];
  } catch {
    return [];
  }
}

type ProcessMetrics = Awaited<ReturnType<Registry["getMetricsAsJSON"]>>;

/** One of several web processes on a port: answers the primary's request for this process's histogram. */
function answerSiblingScrapes(): void {
  if (!cluster.isWorker || store.gantryMetricsListener) return;
  store.gantryMetricsListener = true;
  process.on("message", (message: unknown) => {
    if (!isMetricsMessage(message, metricsMessages.collect)) return;
    void httpMetrics.registry
      .getMetricsAsJSON()
      .then((metrics) => process.send?.({ type: metricsMessages.reply, id: message.id, metrics }));
  });
}

let scrapes = 0;

/**
 * The request histogram of every web process on this port, summed: this process's own when it
 * is the only one (or when the others do not answer within 3 s, so a scrape never hangs).
 */
export async function allProcessesHttpMetrics(): Promise<Registry> {
  if (!cluster.isWorker || !process.send) return httpMetrics.registry;
  const id = `${process.pid}:${++scrapes}`;
  const all = await new Promise<ProcessMetrics[] | null>((resolve) => {
    const onMessage = (message: unknown) => {
      if (isMetricsMessage(message, metricsMessages.result) && message.id === id)
        done(message.metrics as ProcessMetrics[]);
    };
    const timer = setTimeout(() => done(null), 3000);
    function done(metrics: ProcessMetrics[] | null) {
      clearTimeout(timer);
      process.off("message", onMessage);
      resolve(metrics);
    }
    process.on("message", onMessage);
    process.send!({ type: metricsMessages.request, id });
  });
  return all && all.length > 0 ? AggregatorRegistry.aggregate(all) : httpMetrics.registry;
}
