import { describe, expect, it } from "vitest";
import { TokenCache } from "./token-cache";

describe("TokenCache", () => {
  it("serves a token until shortly before it expires, and wider tokens for narrower scopes", () => {
    let now = 1_000_000;
    const cache = new TokenCache(() => now);
    cache.store(["repository:a:pull,push"], "t1", 300);
    expect(cache.lookup(["repository:a:pull"])).toBe("t1");
    expect(cache.lookup(["repository:b:pull"])).toBeUndefined();
    now += 269_000;
    expect(cache.lookup(["repository:a:push"])).toBe("t1");
    now += 2_000; // inside the 30 s margin
    expect(cache.lookup(["repository:a:push"])).toBeUndefined();
  });

  it("renews short-lived tokens a quarter early and never serves expired ones", () => {
    let now = 0;
    const cache = new TokenCache(() => now);
    cache.store(["s:x:pull"], "short", 4);
    now = 2_900;
    expect(cache.lookup(["s:x:pull"])).toBe("short");
    now = 3_001;
    expect(cache.lookup(["s:x:pull"])).toBeUndefined();
    cache.store(["s:x:pull"], "dead", -61);
    expect(cache.lookup(["s:x:pull"])).toBeUndefined();
  });

  it("shares one fetch among concurrent callers and forgets refused tokens", async () => {
    const cache = new TokenCache();
    let fetches = 0;
    const fetch = async () => {
      fetches++;
      await new Promise((r) => setTimeout(r, 10));
      cache.store(["s:x:pull"], "tok", 60);
      return "tok";
    };
    const tokens = await Promise.all([1, 2, 3].map(() => cache.getOrFetch(["s:x:pull"], fetch)));
    expect(tokens).toEqual(["tok", "tok", "tok"]);
    expect(fetches).toBe(1);
    cache.invalidate("tok");
    expect(cache.lookup(["s:x:pull"])).toBeUndefined();
  });
});
