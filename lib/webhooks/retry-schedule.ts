/** Seconds to wait after attempt 1, 2, 3…; one more attempt than waits: 6 in all. */
export const DEFAULT_RETRY_SECONDS = [30, 120, 600, 1800, 7200] as const;

/**
 * The waits between attempts. GANTRY_WEBHOOK_RETRY_SECONDS (comma-separated seconds, e.g.
 * "1,1,1") replaces them, for tests and for receivers that need another rhythm; its length
 * sets the number of attempts (waits + 1).
 */
export function retrySeconds(env: Record<string, string | undefined> = process.env): readonly number[] {
  const raw = env.GANTRY_WEBHOOK_RETRY_SECONDS?.trim();
  if (!raw) return DEFAULT_RETRY_SECONDS;
  const waits = raw.split(",").map((part) => Number(part.trim()));
  if (waits.length === 0 || waits.some((wait) => !Number.isFinite(wait) || wait < 0)) return DEFAULT_RETRY_SECONDS;
  return waits;
}

export function maxAttempts(env: Record<string, string | undefined> = process.env): number {
  return retrySeconds(env).length + 1;
}

/**
 * When attempt `attempts + 1` is due after `attempts` failed ones, or null when they are
 * used up. ±20 % jitter spreads the retries of many deliveries that failed together (a
 * receiver that was down for everyone).
 */
export function nextAttemptDelayMs(
  attempts: number,
  options: { env?: Record<string, string | undefined>; random?: () => number } = {},
): number | null {
  const waits = retrySeconds(options.env);
  const wait = waits[attempts - 1];
  if (wait === undefined) return null;
  const jitter = 0.8 + 0.4 * (options.random ?? Math.random)();
  return Math.round(wait * 1000 * jitter);
}
