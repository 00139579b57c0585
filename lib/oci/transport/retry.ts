import { isAbortError, isRetryable, type OciError } from "../errors";
import { isRegistryError } from "../registry-error";
import { noticeRateLimit } from "./rate-limit";

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is cut to it, so a hostile header cannot park a copy for hours. */
  maxRetryAfterMs: number;
  /**
   * A 429 that says when to come back (Retry-After, ratelimit-reset) is waited out, without
   * using up a try, until the waits add up to this; then it counts like any other failure.
   */
  maxRateLimitWaitMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 5,
  baseDelayMs: 250,
  maxDelayMs: 15_000,
  maxRetryAfterMs: 120_000,
  maxRateLimitWaitMs: 15 * 60_000,
};

/** Exponential backoff with full jitter (AWS architecture blog): spreads clients that failed together. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(random() * ceiling);
}

/** Retry-After as seconds or an HTTP date, in milliseconds from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** `ratelimit-reset` (IETF RateLimit fields: seconds until the window resets, possibly `n;w=…`) in milliseconds. */
export function parseRateLimitReset(value: string | undefined): number | undefined {
  const seconds = /^\s*(\d+)/.exec(value ?? "")?.[1];
  return seconds === undefined ? undefined : Number(seconds) * 1000;
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

// Marks an error a lower layer already retried to the end, on the error itself, so an outer
// loop (another client's, even) does not multiply the tries.
const EXHAUSTED = Symbol("gantry.retriesExhausted");

export function markExhausted<E>(error: E): E {
  if (typeof error === "object" && error !== null) Object.defineProperty(error, EXHAUSTED, { value: true });
  return error;
}

function isExhausted(error: unknown): boolean {
  return typeof error === "object" && error !== null && EXHAUSTED in error;
}

export interface WithRetryOptions {
  policy: RetryPolicy;
  signal?: AbortSignal;
  /** Called before each wait, e.g. to report "retrying in 2 s". */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

/** Runs `operation` until it succeeds, fails with an error no retry can help, or runs out of tries. */
export async function withRetry<T>(operation: (attempt: number) => Promise<T>, options: WithRetryOptions): Promise<T> {
  let rateLimitedMs = 0;
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (isAbortError(error, options.signal)) throw error;
      const pause = isExhausted(error) ? undefined : rateLimitPause(error, options.policy, rateLimitedMs);
      if (pause) {
        rateLimitedMs += pause.ms;
        attempt--;
        noticeRateLimit({ registry: pause.registry, until: new Date(Date.now() + pause.ms) });
        try {
          await sleep(pause.ms, options.signal);
        } finally {
          noticeRateLimit(undefined);
        }
        continue;
      }
      const last = attempt + 1 >= options.policy.attempts;
      if (last || !isRetryable(error) || isExhausted(error)) throw last ? markExhausted(error) : error;
      const delayMs = retryDelay(error as OciError, attempt, options.policy);
      options.onRetry?.({ attempt, delayMs, error });
      await sleep(delayMs, options.signal);
    }
  }
}

function retryDelay(error: OciError & { retryAfterMs?: number }, attempt: number, policy: RetryPolicy): number {
  if (error.retryAfterMs !== undefined) return Math.min(error.retryAfterMs, policy.maxRetryAfterMs);
  return backoffDelay(attempt, policy);
}

function rateLimitPause(error: unknown, policy: RetryPolicy, waitedMs: number) {
  if (!isRegistryError(error) || error.status !== 429 || error.retryAfterMs === undefined) return undefined;
  const ms = Math.max(1, error.retryAfterMs);
  return waitedMs + ms <= policy.maxRateLimitWaitMs ? { ms, registry: error.registry } : undefined;
}
