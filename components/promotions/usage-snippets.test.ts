import { describe, expect, it } from "vitest";
import { composeSnippet, helmSnippet, pinnedReferences, splitReference } from "./usage-snippets";

const digest = `sha256:${"a".repeat(64)}`;

describe("splitReference", () => {
  it("keeps a registry port out of the tag", () => {
    expect(splitReference("127.0.0.1:5000/team/api:1.2.3")).toEqual({
      repository: "127.0.0.1:5000/team/api",
      tag: "1.2.3",
    });
    expect(splitReference("127.0.0.1:5000/team/api")).toEqual({ repository: "127.0.0.1:5000/team/api", tag: null });
    expect(splitReference(`r.example.com/api:1@${digest}`)).toEqual({ repository: "r.example.com/api", tag: "1" });
  });
});

describe("snippets", () => {
  const references = pinnedReferences([
    { component: "vendor/self-hosted-api", target: "registry.example.com:5000/team/self-hosted-api:1.10", digest },
    { component: "vendor/engine", target: "registry.example.com:5000/team/engine:1.10", digest },
  ]);

  it("pins each image by digest", () => {
    expect(references[0]).toMatchObject({
      name: "self-hosted-api",
      pinned: `registry.example.com:5000/team/self-hosted-api@${digest}`,
      taggedPinned: `registry.example.com:5000/team/self-hosted-api:1.10@${digest}`,
    });
  });

  it("writes a compose services block", () => {
    expect(composeSnippet(references)).toBe(
      [
        "services:",
        "  self-hosted-api:",
        `    image: registry.example.com:5000/team/self-hosted-api:1.10@${digest}`,
        "  engine:",
        `    image: registry.example.com:5000/team/engine:1.10@${digest}`,
      ].join("\n"),
    );
  });

  it("writes Helm values with the tag quoted so YAML keeps it a string", () => {
    expect(helmSnippet(references)).toBe(
      [
        "selfHostedApi:",
        "  image:",
        "    repository: registry.example.com:5000/team/self-hosted-api",
        '    tag: "1.10"',
        `    digest: ${digest}`,
        "engine:",
        "  image:",
        "    repository: registry.example.com:5000/team/engine",
        '    tag: "1.10"',
        `    digest: ${digest}`,
      ].join("\n"),
    );
  });
});
