import { describe, expect, it } from "vitest";
import { compareKeys, findDate, orderTags, sortKey, type OrderingExtra, type TagOrdering } from "./tag-ordering";

/** Tags sorted oldest → newest by their keys; throws if one has no key. */
function ascending(tags: string[], ordering: TagOrdering, extras: Record<string, OrderingExtra> = {}): string[] {
  return tags
    .map((tag) => {
      const result = sortKey(tag, ordering, extras[tag]);
      if (!result.ok) throw new Error(`${tag}: ${result.reason}`);
      return { tag, key: result.key };
    })
    .sort((a, b) => compareKeys(a.key, b.key))
    .map((entry) => entry.tag);
}

/** A fixed permutation (stride 5), so the input order is never the answer. */
function shuffled<T>(items: T[]): T[] {
  return items.map((_, index) => items[(index * 5 + 3) % items.length]!);
}

describe("semver", () => {
  it("compares numbers as numbers: 1.10 > 1.9, 10.0.0 > 9.99.99", () => {
    expect(ascending(["1.10.0", "1.9.0", "1.9.10", "1.9.9", "10.0.0", "9.99.99", "2.0.0"], "semver")).toEqual([
      "1.9.0",
      "1.9.9",
      "1.9.10",
      "1.10.0",
      "2.0.0",
      "9.99.99",
      "10.0.0",
    ]);
  });

  it("puts pre-releases below their release, in semver 2.0 precedence", () => {
    // The example list of semver.org §11, shuffled.
    const expected = [
      "1.0.0-alpha",
      "1.0.0-alpha.1",
      "1.0.0-alpha.beta",
      "1.0.0-beta",
      "1.0.0-beta.2",
      "1.0.0-beta.11",
      "1.0.0-rc.1",
      "1.0.0",
    ];
    expect(ascending(shuffled(expected), "semver")).toEqual(expected);
    expect(ascending(["2.0.0", "2.0.0-rc.1", "1.99.0"], "semver")).toEqual(["1.99.0", "2.0.0-rc.1", "2.0.0"]);
    // A shorter identifier that is a prefix of a longer one ranks lower, even against "-".
    expect(ascending(["1.0.0-alpha-x", "1.0.0-alpha.1", "1.0.0-alpha"], "semver")).toEqual([
      "1.0.0-alpha",
      "1.0.0-alpha.1",
      "1.0.0-alpha-x",
    ]);
  });

  it("accepts a v prefix and short versions, and orders them with the rest", () => {
    expect(ascending(["v1.2.3", "1.2.4", "v1.3", "2", "V1.2.3-rc.1"], "semver")).toEqual([
      "V1.2.3-rc.1",
      "v1.2.3",
      "1.2.4",
      "v1.3",
      "2",
    ]);
    expect(sortKey("v1.2.3", "semver")).not.toEqual(sortKey("1.2.3", "semver"));
  });

  it("ignores build metadata for precedence but keeps keys distinct", () => {
    const a = sortKey("1.0.0+build.1", "semver");
    const b = sortKey("1.0.0+build.2", "semver");
    const pre = sortKey("1.0.0-rc.1", "semver");
    const next = sortKey("1.0.1", "semver");
    if (!a.ok || !b.ok || !pre.ok || !next.ok) throw new Error("expected keys");
    expect(a.key).not.toBe(b.key);
    for (const key of [a.key, b.key]) {
      expect(compareKeys(pre.key, key)).toBe(-1);
      expect(compareKeys(key, next.key)).toBe(-1);
    }
  });

  it("excludes tags that are not versions, with a reason", () => {
    for (const tag of ["latest", "release-250301", "1.2.3.4", "1.2.3-", "v", "1..2", "main-1.2.3"]) {
      expect(sortKey(tag, "semver"), tag).toMatchObject({
        ok: false,
        reason: expect.stringContaining("not a semantic version"),
      });
    }
  });
});

describe("date", () => {
  it("orders release-YYMMDD tags by date, not by text", () => {
    expect(ascending(["release-250301", "release-250101", "release-250215", "release-241231"], "date")).toEqual([
      "release-241231",
      "release-250101",
      "release-250215",
      "release-250301",
    ]);
  });

  it("reads YYYYMMDD and YYYY-MM-DD stamps and compares them with YYMMDD", () => {
    expect(ascending(["build-2025-03-02", "20250301", "release-250303", "v2025.01.09"], "date")).toEqual([
      "v2025.01.09",
      "20250301",
      "build-2025-03-02",
      "release-250303",
    ]);
  });

  it("breaks a same-day tie by the tag with numbers compared as numbers", () => {
    expect(ascending(["release-250301-10", "release-250301", "release-250301-2"], "date")).toEqual([
      "release-250301",
      "release-250301-2",
      "release-250301-10",
    ]);
  });

  it("skips digit runs that are not dates and excludes tags without one", () => {
    expect(findDate("build-991399-release-250301")).toEqual({ year: 2025, month: 3, day: 1 });
    expect(findDate("1234567-250230")).toBeUndefined(); // 30 February
    for (const tag of ["latest", "release-1234", "release-2503011", "v1.2.3"]) {
      expect(sortKey(tag, "date"), tag).toMatchObject({ ok: false, reason: expect.stringContaining("no date stamp") });
    }
  });
});

describe("pushed", () => {
  it("orders by the image config's created time, whatever the tag says", () => {
    const extras = {
      zeta: { created: "2025-01-01T00:00:00Z" },
      alpha: { created: "2025-03-01T08:00:00.5Z" },
      mid: { created: new Date("2025-02-01T00:00:00Z") },
    };
    expect(ascending(["alpha", "mid", "zeta"], "pushed", extras)).toEqual(["zeta", "mid", "alpha"]);
  });

  it("excludes images without a usable created time", () => {
    expect(sortKey("x", "pushed")).toMatchObject({ ok: false, reason: expect.stringContaining("no created time") });
    expect(sortKey("x", "pushed", { created: "yesterday" })).toMatchObject({
      ok: false,
      reason: expect.stringContaining("is not a date"),
    });
  });
});

describe("orderTags", () => {
  it("sorts newest first and lists what it left out and why", () => {
    const result = orderTags(["1.9.0", "latest", "1.10.0", "2.0.0-rc.1", "2.0.0", "nightly"], "semver");
    expect(result.ordered.map((entry) => entry.tag)).toEqual(["2.0.0", "2.0.0-rc.1", "1.10.0", "1.9.0"]);
    expect(result.excluded.map((entry) => entry.tag)).toEqual(["latest", "nightly"]);
    expect(result.excluded[0]!.reason).toMatch(/not a semantic version/);
  });

  it("makes keys that sort the same in a byte-ordered database column", () => {
    const { ordered } = orderTags(
      ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha-x", "1.0.0", "v1.0.0", "1.0.0+b"],
      "semver",
    );
    for (const { key } of ordered) expect(key).toMatch(/^[\x21-\x7e]+$/);
    const bytes = [...ordered].sort((a, b) => Buffer.compare(Buffer.from(b.key), Buffer.from(a.key)));
    expect(bytes).toEqual(ordered);
  });
});
