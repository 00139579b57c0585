import { describe, expect, it } from "vitest";
import { ExpiringToken, TokenCache } from "./expiring-token";

describe("ExpiringToken", () => {
  it("shares one fetch between concurrent callers and renews within the margin", async () => {
    let now = 0;
    let fetches = 0;
    const token = new ExpiringToken({
      refreshBeforeMs: 100,
      now: () => now,
      fetch: async () => ({ value: `t${++fetches}`, expiresAt: now + 1000 }),
    });
    expect(token.expiresAt()).toBeNull();
    expect(await Promise.all([token.get(), token.get(), token.get()])).toEqual(["t1", "t1", "t1"]);
    now = 899;
    expect(await token.get()).toBe("t1");
    now = 901;
    expect(await token.get()).toBe("t2");
    expect(token.expiresAt()).toEqual(new Date(1901));
  });

  it("does not keep a failure, and lets one caller give up without cancelling the others", async () => {
    let attempt = 0;
    let release: () => void = () => undefined;
    const token = new ExpiringToken({
      refreshBeforeMs: 0,
      fetch: async () => {
        if (++attempt === 1) throw new Error("refused");
        await new Promise<void>((resolve) => (release = resolve));
        return { value: "ok", expiresAt: Date.now() + 60_000 };
      },
    });
    await expect(token.get()).rejects.toThrow("refused");
    const impatient = new AbortController();
    const first = token.get(impatient.signal);
    const second = token.get();
    impatient.abort(new Error("gave up"));
    await expect(first).rejects.toThrow("gave up");
    release();
    await expect(second).resolves.toBe("ok");
  });

  it("keeps a bounded number of tokens", () => {
    const cache = new TokenCache(2);
    const make = () => new ExpiringToken({ refreshBeforeMs: 0, fetch: async () => ({ value: 1, expiresAt: 0 }) });
    const a = cache.getOrCreate("a", make);
    expect(cache.getOrCreate("a", make)).toBe(a);
    cache.getOrCreate("b", make);
    cache.getOrCreate("c", make);
    expect(cache.getOrCreate("a", make)).not.toBe(a);
  });
});
