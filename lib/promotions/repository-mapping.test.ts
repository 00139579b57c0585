import { describe, expect, it } from "vitest";
import { mapRepository, mappingOf, storedMapping } from "./repository-mapping";

describe("mapRepository", () => {
  it("replaces the source namespace with a prefix and keeps the last segment of deeper paths", () => {
    expect(mapRepository("vendor/api", { repositoryPrefix: "team/" })).toBe("team/api");
    expect(mapRepository("vendor/sub/engine", { repositoryPrefix: "team/mirror" })).toBe("team/mirror/engine");
    expect(mapRepository("vendor/api", { repositoryPrefix: "" })).toBe("api");
  });

  it("maps explicit names, keeps unnamed components, and puts the target's namespace in front once", () => {
    const mapping = { repositoryNames: { "vendor/api": "team/api-server" } };
    expect(mapRepository("vendor/api", mapping)).toBe("team/api-server");
    expect(mapRepository("vendor/engine", mapping)).toBe("vendor/engine");
    expect(mapRepository("vendor/api", mapping, { namespace: "prod" })).toBe("prod/team/api-server");
    expect(mapRepository("vendor/api", { repositoryNames: { "vendor/api": "prod/api" } }, { namespace: "prod" })).toBe(
      "prod/api",
    );
    expect(mapRepository("vendor/api", {}, { namespace: "prod" })).toBe("prod/vendor/api");
  });

  it("refuses names outside the OCI grammar, naming the field and the component", () => {
    expect(() => mapRepository("vendor/api", { repositoryPrefix: "Team/" })).toThrow(
      'repositoryPrefix: "Team/api" (for vendor/api) is not a valid repository path',
    );
    expect(() => mapRepository("vendor/api", { repositoryNames: { "vendor/api": "team//api" } })).toThrow(
      /^repositoryNames\.vendor\/api: "team\/\/api" \(for vendor\/api\)/,
    );
    expect(() => mapRepository("vendor/api", { repositoryNames: { "vendor/api": "a".repeat(300) } })).toThrow(
      /at most 255/,
    );
  });

  it("stores the mapping in the schema's shape and reads it back", () => {
    expect(storedMapping({ repositoryPrefix: "team/" })).toEqual({ prefix: "team/" });
    expect(mappingOf(storedMapping({ repositoryNames: { a: "b" } }))).toEqual({ repositoryNames: { a: "b" } });
    expect(mappingOf({})).toEqual({});
  });
});
