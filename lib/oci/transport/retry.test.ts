import { describe, expect, it } from "vitest";
import { NetworkError, OciError } from "../errors";
import { backoffDelay, DEFAULT_RETRY, parseRateLimitReset, parseRetryAfter, sleep, withRetry } from "./retry";

const fast = { ...DEFAULT_RETRY, baseDelayMs: 1, maxDelayMs: 5 };

describe("backoff", () => {
  it("grows exponentially with full jitter, capped", () => {
    expect(backoffDelay(0, DEFAULT_RETRY, () => 1)).toBe(250);
    expect(backoffDelay(3, DEFAULT_RETRY, () => 1)).toBe(2000);
    expect(backoffDelay(20, DEFAULT_RETRY, () => 1)).toBe(15_000);
    expect(backoffDelay(3, DEFAULT_RETRY, () => 0)).toBe(0);
  });

  it("reads Retry-After as seconds or an HTTP date", () => {
    expect(parseRetryAfter("2")).toBe(2000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe("withRetry", () => {
  it("retries retryable errors and stops at the attempt limit", async () => {
    let calls = 0;
    const failing = withRetry(
      async () => {
        calls++;
        throw new NetworkError("reset", {});
      },
      { policy: { ...fast, attempts: 3 } },
    );
    await expect(failing).rejects.toThrow("reset");
    expect(calls).toBe(3);
  });

  it("does not retry what a retry cannot help, nor what an inner loop already retried", async () => {
    let calls = 0;
    const denied = new OciError("denied", { kind: "denied" });
    await expect(
      withRetry(
        async () => {
          calls++;
          throw denied;
        },
        { policy: fast },
      ),
    ).rejects.toBe(denied);
    expect(calls).toBe(1);
    const inner = withRetry(
      async () => {
        throw new NetworkError("x", {});
      },
      { policy: { ...fast, attempts: 2 } },
    );
    const error = await inner.catch((e: unknown) => e);
    calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw error;
        },
        { policy: fast },
      ),
    ).rejects.toBe(error);
    expect(calls).toBe(1);
  });

  it("waits as long as Retry-After says", async () => {
    const error = Object.assign(new NetworkError("busy", {}), { retryAfterMs: 300 });
    let calls = 0;
    const started = Date.now();
    await withRetry(
      async () => {
        if (calls++ === 0) throw error;
        return "ok";
      },
      { policy: fast },
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it("stops waiting when the signal aborts", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("stop")), 20);
    await expect(sleep(10_000, controller.signal)).rejects.toThrow("stop");
  });
});

describe("rate limits", () => {
  it("reads ratelimit-reset as seconds, with or without a window", () => {
    expect(parseRateLimitReset("3")).toBe(3000);
    expect(parseRateLimitReset("42;w=3600")).toBe(42_000);
    expect(parseRateLimitReset("soon")).toBeUndefined();
    expect(parseRateLimitReset(undefined)).toBeUndefined();
  });
});
