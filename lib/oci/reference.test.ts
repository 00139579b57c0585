import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidReferenceError } from "./errors";
import { apiHostOf, formatReference, identifierOf, parseReference } from "./reference";

const DIGEST = `sha256:${"a".repeat(64)}`;

describe("parseReference", () => {
  it.each([
    ["quay.io/vendor/api:1.2", { registry: "quay.io", repository: "vendor/api", tag: "1.2" }],
    ["127.0.0.1:5000/team/a/b", { registry: "127.0.0.1:5000", repository: "team/a/b" }],
    ["localhost/app", { registry: "localhost", repository: "app" }],
    ["localhost:5000/app:v1", { registry: "localhost:5000", repository: "app", tag: "v1" }],
    ["nginx", { registry: "docker.io", repository: "library/nginx" }],
    ["nginx:1.27", { registry: "docker.io", repository: "library/nginx", tag: "1.27" }],
    ["bitnami/redis", { registry: "docker.io", repository: "bitnami/redis" }],
    ["index.docker.io/nginx", { registry: "docker.io", repository: "library/nginx" }],
    ["registry-1.docker.io/library/nginx", { registry: "docker.io", repository: "library/nginx" }],
    [`ghcr.io/o/app@${DIGEST}`, { registry: "ghcr.io", repository: "o/app", digest: DIGEST }],
    [`ghcr.io/o/app:v1@${DIGEST}`, { registry: "ghcr.io", repository: "o/app", tag: "v1", digest: DIGEST }],
    ["[::1]:5000/app", { registry: "[::1]:5000", repository: "app" }],
    [
      "r.example.com/a__b/c-d/e.f/g---h:T_1.x-y",
      { registry: "r.example.com", repository: "a__b/c-d/e.f/g---h", tag: "T_1.x-y" },
    ],
    ["Upper.example.com/app", { registry: "Upper.example.com", repository: "app" }],
  ])("%s", (input, expected) => {
    expect(parseReference(input)).toEqual(expected);
  });

  it.each([
    ["", /empty/],
    ["quay.io/Vendor/api", /must be lowercase/],
    ["quay.io/vendor/api:", /tag "" must be/],
    ["quay.io/vendor/api:-x", /tag "-x" must be/],
    [`quay.io/vendor/api:${"x".repeat(129)}`, /tag .* must be 1–128/],
    ["quay.io/vendor/api@sha256:abc", /digest "sha256:abc" is not/],
    [`quay.io/vendor/api@sha256:${"A".repeat(64)}`, /digest/],
    ["quay.io/vendor//api", /path component "" must be/],
    ["quay.io/vendor/_api", /path component "_api"/],
    ["quay.io/vendor/a..b", /path component "a..b"/],
    ["https://quay.io/vendor/api", /without a scheme/],
    ["quay.io/vendor api", /whitespace/],
    ["-bad.example.com/app", /registry host "-bad.example.com"/],
    ["quay.io/", /repository path is empty/],
    [`quay.io/${"a".repeat(250)}`, /at most 255/],
  ])("refuses %j", (input, message) => {
    expect(() => parseReference(input)).toThrow(InvalidReferenceError);
    expect(() => parseReference(input)).toThrow(message);
  });

  it("names the input in the message", () => {
    expect(() => parseReference("quay.io/Vendor/api")).toThrow('invalid reference "quay.io/Vendor/api"');
  });
});

describe("formatReference and helpers", () => {
  it("formats and picks what to ask for", () => {
    const ref = parseReference(`quay.io/vendor/api:1.2@${DIGEST}`);
    expect(formatReference(ref)).toBe(`quay.io/vendor/api:1.2@${DIGEST}`);
    expect(identifierOf(ref)).toBe(DIGEST);
    expect(identifierOf(parseReference("quay.io/vendor/api"))).toBe("latest");
    expect(apiHostOf("docker.io")).toBe("registry-1.docker.io");
    expect(apiHostOf("quay.io")).toBe("quay.io");
  });
});

const component = fc.stringMatching(/^[a-z0-9]{1,6}(?:[._-][a-z0-9]{1,6}){0,2}$/);
const host = fc.oneof(
  fc
    .tuple(fc.stringMatching(/^[a-z][a-z0-9-]{0,8}[a-z0-9]$/), fc.constantFrom("io", "com", "example.org"))
    .map(([a, b]) => `${a}.${b}`),
  fc.integer({ min: 1, max: 65535 }).map((port) => `127.0.0.1:${port}`),
);
const tag = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/);
const digest = fc.stringMatching(/^[a-f0-9]{64}$/).map((hex) => `sha256:${hex}`);

describe("parseReference properties", () => {
  it("round-trips every valid host/path[:tag][@digest]", () => {
    fc.assert(
      fc.property(
        host,
        fc.array(component, { minLength: 1, maxLength: 4 }),
        fc.option(tag),
        fc.option(digest),
        (h, path, t, d) => {
          const text = `${h}/${path.join("/")}${t ? `:${t}` : ""}${d ? `@${d}` : ""}`;
          const ref = parseReference(text);
          expect(ref.registry).toBe(h);
          expect(formatReference(ref)).toBe(text);
          expect(parseReference(formatReference(ref))).toEqual(ref);
        },
      ),
    );
  });

  it("either parses or throws InvalidReferenceError for any string", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        try {
          const ref = parseReference(text);
          expect(ref.repository).toBe(ref.repository.toLowerCase());
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidReferenceError);
        }
      }),
    );
  });
});
