import crypto from "node:crypto";

/**
 * The signature receivers check: HMAC-SHA256 over "<unix seconds>.<raw body>" with the
 * webhook's secret, hex, sent as `X-Gantry-Signature: sha256=<hex>` next to
 * `X-Gantry-Timestamp: <unix seconds>`. Signing the timestamp lets a receiver refuse old
 * requests replayed at it.
 */
export function signWebhookBody(secret: string, timestamp: number, body: string): string {
  return `sha256=${crypto.createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}
