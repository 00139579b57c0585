import { describe, expect, it } from "vitest";
import { DEFAULT_RETRY_SECONDS, maxAttempts, nextAttemptDelayMs, retrySeconds } from "./retry-schedule";

describe("webhook retry schedule", () => {
  it("waits 30 s, 2 m, 10 m, 30 m, 2 h between six attempts, each within ±20 %", () => {
    expect(maxAttempts({})).toBe(6);
    for (const [index, wait] of DEFAULT_RETRY_SECONDS.entries()) {
      expect(nextAttemptDelayMs(index + 1, { env: {}, random: () => 0 })).toBe(wait * 800);
      expect(nextAttemptDelayMs(index + 1, { env: {}, random: () => 0.999999 })).toBeCloseTo(wait * 1200, -1);
    }
    expect(nextAttemptDelayMs(6, { env: {} })).toBeNull();
  });

  it("takes another rhythm from GANTRY_WEBHOOK_RETRY_SECONDS and ignores one it cannot read", () => {
    expect(retrySeconds({ GANTRY_WEBHOOK_RETRY_SECONDS: "1, 2" })).toEqual([1, 2]);
    expect(maxAttempts({ GANTRY_WEBHOOK_RETRY_SECONDS: "1,2" })).toBe(3);
    expect(retrySeconds({ GANTRY_WEBHOOK_RETRY_SECONDS: "1,soon" })).toEqual(DEFAULT_RETRY_SECONDS);
  });
});
