import "server-only";
import http from "node:http";
import https from "node:https";
import { guardedLookup } from "@/lib/registries/endpoint-guard";
import { assertWebhookHostAllowed, explainLoopback, webhookGuard } from "./webhook-endpoint";

/** What one POST to a receiver came to. `statusCode` is absent when no answer arrived. */
export interface PostOutcome {
  ok: boolean;
  statusCode: number | null;
  /** Why it did not count as delivered, in words safe to show and store (no secrets, no bodies of ours). */
  error: string | null;
  durationMs: number;
}

export const WEBHOOK_TIMEOUT_MS = 10_000;
/** How much of a refusing receiver's answer is kept, to tell the admin why. */
const ANSWER_SNIPPET = 200;

/**
 * POSTs a signed body to a receiver: the whole exchange within the timeout, a 2xx counts as
 * delivered, and redirects are never followed (a receiver that moved must be edited; a
 * redirect could otherwise point the request at an internal address). The host is checked
 * before connecting and again by the socket's lookup.
 */
export async function postWebhook(
  target: string,
  body: string,
  headers: Record<string, string>,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<PostOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const url = new URL(target);
  try {
    await assertWebhookHostAllowed(url);
  } catch (error) {
    return { ok: false, statusCode: null, error: (error as Error).message, durationMs: elapsed() };
  }
  const timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  return new Promise<PostOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: Omit<PostOutcome, "durationMs">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      request.destroy();
      resolve({ ...outcome, durationMs: elapsed() });
    };
    const client = url.protocol === "https:" ? https : http;
    const request = client.request(url, {
      method: "POST",
      agent: false,
      lookup: guardedLookup(webhookGuard()),
      headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
    });
    const timer = setTimeout(
      () => finish({ ok: false, statusCode: null, error: `no answer within ${timeoutMs / 1000} s` }),
      timeoutMs,
    );
    const onAbort = () => finish({ ok: false, statusCode: null, error: "stopped: the worker is shutting down" });
    options.signal?.addEventListener("abort", onAbort, { once: true });
    request.on("error", (error: NodeJS.ErrnoException) =>
      finish({ ok: false, statusCode: null, error: describeNetworkError(error, url) }),
    );
    request.on("response", (response) => {
      const status = response.statusCode ?? 0;
      if (status >= 200 && status < 300) {
        response.resume();
        response.on("end", () => finish({ ok: true, statusCode: status, error: null }));
        response.on("error", () => finish({ ok: true, statusCode: status, error: null }));
        return;
      }
      let answer = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        answer += chunk;
        if (answer.length >= ANSWER_SNIPPET) response.destroy();
      });
      const done = () =>
        finish({ ok: false, statusCode: status, error: describeRefusal(status, response.headers.location, answer) });
      response.on("end", done);
      response.on("close", done);
    });
    request.end(body);
  });
}

function describeRefusal(status: number, location: string | undefined, answer: string): string {
  if (status >= 300 && status < 400)
    return `answered ${status} redirecting to ${location ?? "nowhere"}; Gantry does not follow webhook redirects: change the URL to the final one`;
  const snippet = answer.replace(/\s+/g, " ").trim().slice(0, ANSWER_SNIPPET);
  return `answered HTTP ${status}${snippet ? `: ${snippet}` : ""}`;
}

function describeNetworkError(error: NodeJS.ErrnoException, url: URL): string {
  const where = url.host;
  switch (error.code) {
    case "ECONNREFUSED":
      return `${where} refused the connection (ECONNREFUSED)`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return explainLoopback(
        error.message.includes(url.hostname) ? error.message : `no address found for ${url.hostname} (${error.code})`,
      );
    case "ECONNRESET":
      return `${where} closed the connection (ECONNRESET)`;
    case "ETIMEDOUT":
      return `connecting to ${where} timed out (ETIMEDOUT)`;
    default:
      if (error.code?.startsWith("ERR_TLS") || error.code?.includes("CERT"))
        return `TLS with ${where} failed (${error.code}): ${error.message}`;
      // Refusals from the guarded lookup carry their own sentence.
      return explainLoopback(error.message || String(error.code ?? "network error"));
  }
}
