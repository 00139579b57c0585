import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { UserError } from "@/lib/change/errors";
import { parseReference } from "@/lib/oci/reference";
import { REPOSITORY_PATH } from "@/lib/registries/connection-input";
import { hostileString } from "@/test/proof/support/hostile-values";
import { proofLog } from "@/test/proof/support/proof-results";
import { mapRepository, type RepositoryMapping } from "./repository-mapping";

const proof = proofLog("repository-mapping");
afterAll(() => proof.write());
const RUNS = 1000;

const part = fc.stringMatching(/^[a-z0-9]+(?:[._-][a-z0-9]+){0,2}$/).filter((p) => p.length <= 20);
const path = fc.array(part, { minLength: 1, maxLength: 3 }).map((parts) => parts.join("/"));
/** Mostly plausible text with hostile strings mixed in: slashes, capitals, spaces, unicode, 20 000 characters. */
const text = fc.oneof(
  path,
  path.map((p) => `/${p}/`),
  path.map((p) => p.toUpperCase()),
  hostileString,
  fc.constant(""),
  fc.constant("/"),
);
const mapping: fc.Arbitrary<RepositoryMapping> = fc
  .oneof(
    fc.constant({}),
    text.map((repositoryPrefix) => ({ repositoryPrefix })),
    fc
      .tuple(fc.dictionary(fc.oneof(path, hostileString), text, { maxKeys: 3 }), fc.option(text, { nil: undefined }))
      .map(([names, own]) => ({ repositoryNames: names, own })),
  )
  .map((m) => m as RepositoryMapping);

describe("mapRepository (property-based)", () => {
  it("answers a valid OCI repository name, or a UserError naming the field", () => {
    let mapped = 0;
    let refused = 0;
    fc.assert(
      fc.property(path, mapping, fc.option(fc.oneof(path, text), { nil: null }), (component, raw, namespace) => {
        const { own, ...rest } = raw as RepositoryMapping & { own?: string };
        const m = (
          "repositoryNames" in rest && own !== undefined
            ? { repositoryNames: { ...rest.repositoryNames, [component]: own } }
            : rest
        ) as RepositoryMapping;
        let result: string;
        try {
          result = mapRepository(component, m, { namespace });
        } catch (error) {
          refused += 1;
          expect(error).toBeInstanceOf(UserError);
          const field = (error as UserError).field!;
          expect(["repositoryPrefix", "repositoryNames", `repositoryNames.${component}`]).toContain(field);
          expect((error as UserError).message.startsWith(`${field}: `)).toBe(true);
          return;
        }
        mapped += 1;
        expect(result).toMatch(REPOSITORY_PATH);
        expect(result.length).toBeLessThanOrEqual(255);
        // What the copy engine will build from it parses as an OCI reference.
        expect(parseReference(`registry.example.com/${result}:1.0`).repository).toBe(result);
      }),
      { numRuns: RUNS },
    );
    proof.add({
      area: "Repository mapping",
      tried:
        "component paths × prefixes / explicit names / namespaces, plausible and hostile (slashes, capitals, unicode, injections, 20 000 characters)",
      cases: RUNS,
      outcome: `${mapped} mapped to valid OCI names (≤ 255, parse as references), ${refused} refused with a UserError naming repositoryPrefix or repositoryNames.<component>`,
    });
  });

  it("keeps the last path segment under a valid prefix", () => {
    fc.assert(
      fc.property(path, path, (component, prefix) => {
        const result = mapRepository(component, { repositoryPrefix: `${prefix}/` });
        expect(result).toBe(`${prefix}/${component.split("/").pop()}`);
      }),
      { numRuns: 300 },
    );
    proof.add({
      area: "Repository mapping",
      tried: "valid prefix + component",
      cases: 300,
      outcome: "always prefix/<last segment>",
    });
  });
});
