import "server-only";

/** JSON bodies above this many bytes are refused (GANTRY_API_MAX_BODY_BYTES; default 1 MiB). */
export function maxJsonBodyBytes(env: Record<string, string | undefined> = process.env): number {
  const value = Number(env.GANTRY_API_MAX_BODY_BYTES);
  return Number.isInteger(value) && value > 0 ? value : 1024 * 1024;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * A cookie-authenticated change must come from a page of the console itself: a browser sends
 * the session cookie with a form another site (or another port of this host) submits, and names
 * that site in Origin. Same origin means GANTRY_URL's origin or the request's own host.
 * Undefined when the request may go on.
 */
export function crossOriginRefusal(request: Request, env: Record<string, string | undefined> = process.env) {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return undefined;
  const origin = request.headers.get("origin");
  if (origin && allowedOrigins(request, env).has(origin)) return undefined;
  return origin
    ? `a change signed in with the session cookie must come from the console itself, and this one came from ${origin.slice(0, 200)}`
    : "a change signed in with the session cookie must carry an Origin header naming the console";
}

function allowedOrigins(request: Request, env: Record<string, string | undefined>): Set<string> {
  const origins = new Set<string>();
  for (const configured of [env.GANTRY_URL, env.NEXTAUTH_URL]) {
    try {
      if (configured) origins.add(new URL(configured).origin);
    } catch {
      // A malformed setting allows nothing.
    }
  }
  const host = request.headers.get("host");
  if (host) {
    const proto = new URL(request.url).protocol;
    origins.add(`${proto}//${host}`);
  }
  return origins;
}

/** Why a body was not read: answered with its status, naming the body field and what was expected. */
export class BodyRefusal {
  constructor(
    readonly status: 400 | 413 | 415,
    readonly message: string,
    readonly expected: string,
  ) {}
}

/**
 * The request's JSON body (`{}` when empty), read only up to `limit` bytes: a declared
 * Content-Length over it is refused before a byte is read, and a body without one is counted
 * while it streams and cut at the limit.
 */
export async function readJsonBody(request: Request, limit = maxJsonBodyBytes()): Promise<unknown | BodyRefusal> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  const hasBody = declared > 0 || request.headers.has("transfer-encoding");
  if (!hasBody && !request.body) return {};
  const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (hasBody && type !== "application/json") {
    return new BodyRefusal(415, "The request body must be sent as Content-Type: application/json.", "application/json");
  }
  const tooLarge = new BodyRefusal(413, `The request body is larger than ${limit} bytes.`, `at most ${limit} bytes`);
  if (declared > limit) return tooLarge;
  const text = await readLimited(request, limit);
  if (text === undefined) return tooLarge;
  if (!text.trim()) return {};
  if (type !== "application/json")
    return new BodyRefusal(415, "The request body must be sent as Content-Type: application/json.", "application/json");
  try {
    return JSON.parse(text);
  } catch {
    return new BodyRefusal(400, "The request body must be JSON.", "a JSON object");
  }
}

async function readLimited(request: Request, limit: number): Promise<string | undefined> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
