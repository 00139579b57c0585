// The web process `gantry start` runs (dist/serve-web.mjs): Next's production handler behind
// Gantry's own HTTP server, which stamps the client address on every request (see
// create-web-server.ts). `next start` would hand Next the raw request, X-Forwarded-For and all.
// With GANTRY_WEB_PROCESSES above 1 (the default on two or more cores) this process forks that
// many copies sharing the port (node:cluster hands each connection to the next copy in turn),
// forwards SIGINT/SIGTERM to them, and exits when they have, or as soon as one fails.
import cluster, { type Worker } from "node:cluster";
import os from "node:os";
import next from "next";
import { parseTrustedProxies, type TrustedProxies } from "@/lib/http/client-address";
import { parseArgs } from "../parse-args";
import { projectRoot } from "../project-root";
import { createWebServer } from "./create-web-server";
import { isMetricsMessage, metricsMessages } from "@/lib/metrics/cluster-messages";
import { webProcessCount } from "./web-processes";

/** In-flight requests get this long after SIGINT/SIGTERM; event streams would otherwise hold the stop forever. */
const drainMs = 10_000;

async function serveWeb(): Promise<void> {
  const { values } = parseArgs(process.argv.slice(2), { port: { type: "string" }, host: { type: "string" } });
  const port = Number(values.port);
  const hostname = values.host ?? "127.0.0.1";
  let trusted: TrustedProxies;
  try {
    trusted = parseTrustedProxies(process.env.GANTRY_TRUSTED_PROXIES);
  } catch (error) {
    process.stderr.write(`[gantry] ${(error as Error).message}\n`);
    process.exit(2);
  }
  const app = next({ dev: false, dir: projectRoot(), hostname, port });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = createWebServer({
    handle: (request, response) => handle(request, response),
    trusted,
    onError: (error, request) => console.error(`Failed to handle request for ${request.url}`, error),
  });
  server.on("error", (error) => {
    console.error("the web server failed", error);
    process.exit(1);
  });
  server.listen(port, hostname);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    server.close(() => {
      app.close().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
    });
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), drainMs).unref();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

/** Forks the web processes and keeps them in step: a signal reaches each, one failing stops all. */
function runPrimary(count: number): void {
  let stopping: NodeJS.Signals | null = null;
  for (let i = 0; i < count; i++) cluster.fork();
  cluster.on("exit", (worker, code, signal) => {
    if (!stopping) {
      console.error(`a web process exited unexpectedly (${signal ?? `code ${code}`}); stopping the others`);
      stopping = "SIGTERM";
      process.exitCode = 1;
      for (const other of Object.values(cluster.workers ?? {})) other?.process.kill("SIGTERM");
    }
    if (Object.keys(cluster.workers ?? {}).length === 0)
      process.exit(process.exitCode ?? (stopping === "SIGINT" ? 130 : 143));
  });
  relayMetricsScrapes();
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = signal;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

/**
 * A scrape reaches one web process: it asks here, this asks every process for its request
 * histogram and hands the asker all the answers (lib/metrics/http-metrics.ts sums them).
 */
function relayMetricsScrapes(): void {
  const pending = new Map<string, { asker: Worker; metrics: unknown[]; waiting: number; timer: NodeJS.Timeout }>();
  const finish = (id: string) => {
    const scrape = pending.get(id);
    if (!scrape) return;
    pending.delete(id);
    clearTimeout(scrape.timer);
    if (scrape.asker.isConnected()) scrape.asker.send({ type: metricsMessages.result, id, metrics: scrape.metrics });
  };
  cluster.on("message", (worker, message: unknown) => {
    if (isMetricsMessage(message, metricsMessages.request)) {
      const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => Boolean(w?.isConnected()));
      pending.set(message.id, {
        asker: worker,
        metrics: [],
        waiting: workers.length,
        timer: setTimeout(() => finish(message.id), 2000),
      });
      for (const w of workers) w.send({ type: metricsMessages.collect, id: message.id });
    } else if (isMetricsMessage(message, metricsMessages.reply)) {
      const scrape = pending.get(message.id);
      if (!scrape) return;
      scrape.metrics.push(message.metrics);
      if (--scrape.waiting === 0) finish(message.id);
    }
  });
}

function main(): void {
  let count: number;
  try {
    count = webProcessCount(process.env.GANTRY_WEB_PROCESSES, os.availableParallelism());
  } catch (error) {
    process.stderr.write(`[gantry] ${(error as Error).message}\n`);
    process.exit(2);
  }
  if (cluster.isPrimary && count > 1) return runPrimary(count);
  serveWeb().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

main();
