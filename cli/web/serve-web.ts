// The web process `gantry start` runs (dist/serve-web.mjs): Next's production handler behind
// Gantry's own HTTP server, which stamps the client address on every request (see
// create-web-server.ts). `next start` would hand Next the raw request, X-Forwarded-For and all.
import next from "next";
import { parseTrustedProxies, type TrustedProxies } from "@/lib/http/client-address";
import { parseArgs } from "../parse-args";
import { projectRoot } from "../project-root";
import { createWebServer } from "./create-web-server";

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

serveWeb().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
