import { describe, expect, it } from "vitest";
import { normalizeScopes, parseChallenges, pickChallenge, repositoryScope, scopesCover } from "./challenge";

describe("parseChallenges", () => {
  it("reads a docker Bearer challenge", () => {
    const [challenge] = parseChallenges(
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"',
    );
    expect(challenge).toEqual({
      scheme: "bearer",
      params: {
        realm: "https://auth.docker.io/token",
        service: "registry.docker.io",
        scope: "repository:library/nginx:pull",
      },
    });
  });

  it("keeps commas and escapes inside quotes, lowercases names, and reads several challenges", () => {
    const challenges = parseChallenges(
      'Basic realm="a, \\"b\\"", Bearer Realm="https://t/x?y=1,2" ,error=insufficient_scope',
    );
    expect(challenges).toEqual([
      { scheme: "basic", params: { realm: 'a, "b"' } },
      { scheme: "bearer", params: { realm: "https://t/x?y=1,2", error: "insufficient_scope" } },
    ]);
    expect(pickChallenge(challenges)?.scheme).toBe("bearer");
  });

  it("tolerates empty and odd headers", () => {
    expect(parseChallenges(undefined)).toEqual([]);
    expect(parseChallenges("")).toEqual([]);
    expect(parseChallenges(",,, Basic")).toEqual([{ scheme: "basic", params: {} }]);
    expect(pickChallenge(parseChallenges("Negotiate"))).toBeUndefined();
  });
});

describe("scopes", () => {
  it("merges actions per resource and sorts", () => {
    expect(normalizeScopes(["repository:b:push", "repository:a:pull", "repository:b:pull"])).toEqual([
      "repository:a:pull",
      "repository:b:pull,push",
    ]);
    expect(repositoryScope("team/api", ["pull", "push"])).toBe("repository:team/api:pull,push");
  });

  it("knows when a token's scopes cover a request", () => {
    expect(scopesCover(["repository:a:pull,push"], ["repository:a:pull"])).toBe(true);
    expect(scopesCover(["repository:a:pull"], ["repository:a:pull,push"])).toBe(false);
    expect(scopesCover(["repository:a:pull"], ["repository:a:pull", "repository:b:pull"])).toBe(false);
    expect(scopesCover(["registry:catalog:*"], ["registry:catalog:*"])).toBe(true);
    expect(scopesCover([], [])).toBe(true);
  });
});
