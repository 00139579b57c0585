import "server-only";
import crypto from "node:crypto";

export type MetricsAccess = "off" | "refused" | "allowed";

/**
 * /metrics on the web port exists only when GANTRY_METRICS_TOKEN is set, and then wants it as
 * a Bearer token (compared in constant time). Without the token it answers 404, as if absent.
 */
export function metricsAccess(authorization: string | null, env: NodeJS.ProcessEnv = process.env): MetricsAccess {
  const token = env.GANTRY_METRICS_TOKEN;
  if (!token) return "off";
  const given = /^Bearer (.+)$/.exec(authorization ?? "")?.[1] ?? "";
  const expected = crypto.createHash("sha256").update(token).digest();
  const actual = crypto.createHash("sha256").update(given).digest();
  return crypto.timingSafeEqual(expected, actual) && given.length > 0 ? "allowed" : "refused";
}
