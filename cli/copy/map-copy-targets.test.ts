import { describe, expect, it } from "vitest";
import { formatReference } from "@/lib/oci/reference";
import { UsageError } from "../command";
import { mapCopyTargets } from "./map-copy-targets";

const map = (sources: string[], destination: string) =>
  mapCopyTargets(sources, destination).map((p) => `${formatReference(p.source)} -> ${formatReference(p.target)}`);
const DIGEST = `sha256:${"b".repeat(64)}`;

describe("mapCopyTargets", () => {
  it("replaces each source's namespace with a DST prefix", () => {
    expect(map(["quay.io/vendor/api:1.2", "quay.io/vendor/sub/engine:1.2"], "dst.example.com:5000/team/")).toEqual([
      "quay.io/vendor/api:1.2 -> dst.example.com:5000/team/api:1.2",
      "quay.io/vendor/sub/engine:1.2 -> dst.example.com:5000/team/engine:1.2",
    ]);
    expect(map(["quay.io/vendor/api"], "127.0.0.1:5000/")).toEqual(["quay.io/vendor/api -> 127.0.0.1:5000/api:latest"]);
    expect(map([`quay.io/vendor/api@${DIGEST}`], "r.io/t/")).toEqual([
      `quay.io/vendor/api@${DIGEST} -> r.io/t/api@${DIGEST}`,
    ]);
  });

  it("takes a full DST for one source, defaulting its tag to the source's", () => {
    expect(map(["quay.io/vendor/api:1.2"], "r.io/team/x")).toEqual(["quay.io/vendor/api:1.2 -> r.io/team/x:1.2"]);
    expect(map(["quay.io/vendor/api:1.2"], "r.io/team/x:prod")).toEqual(["quay.io/vendor/api:1.2 -> r.io/team/x:prod"]);
  });

  it.each([
    [["quay.io/a:1", "quay.io/b:1"], "r.io/team/x", /DST must be a repository prefix ending in \//],
    [["quay.io/a:1", "ghcr.io/b:1"], "r.io/t/", /all sources must be on one registry/],
    [["quay.io/x/a:1", "quay.io/y/a:1"], "r.io/t/", /two sources would be copied to r.io\/t\/a:1/],
    [["quay.io/Bad:1"], "r.io/t/", /SRC: invalid reference/],
    [["quay.io/a:1"], "team/", /must start with a registry host/],
    [[], "r.io/t/", /at least one SRC/],
  ])("refuses %j → %s", (sources, destination, message) => {
    expect(() => mapCopyTargets(sources, destination)).toThrow(UsageError);
    expect(() => mapCopyTargets(sources, destination)).toThrow(message);
  });
});
