import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { proofLog } from "@/test/proof/support/proof-results";
import { InvalidReferenceError } from "./errors";
import { formatReference, parseReference, type Reference } from "./reference";

const proof = proofLog("reference-parser");
afterAll(() => proof.write());
const RUNS = 500;

const lower = "abcdefghijklmnopqrstuvwxyz0123456789".split("");
const label = fc.stringMatching(/^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,10}[a-zA-Z0-9])?$/);
/** A registry host the parser reads as a host: dotted, or with a port, or localhost. */
const registry = fc
  .oneof(
    fc.tuple(label, fc.array(label, { minLength: 1, maxLength: 3 })).map(([first, rest]) => [first, ...rest].join(".")),
    fc.tuple(label, fc.integer({ min: 1, max: 65535 })).map(([host, port]) => `${host}:${port}`),
    fc.constant("localhost"),
    fc
      .tuple(fc.constantFrom("[::1]", "[fd00::5]", "10.0.0.5"), fc.integer({ min: 1, max: 65535 }))
      .map(([host, port]) => `${host}:${port}`),
  )
  .filter(
    (host) =>
      !["docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"].includes(host.toLowerCase()),
  );
const alnum = fc.string({ unit: fc.constantFrom(...lower), minLength: 1, maxLength: 8 });
const separator = fc.constantFrom(".", "_", "__", "-", "--");
const component = fc
  .tuple(alnum, fc.array(fc.tuple(separator, alnum), { maxLength: 2 }))
  .map(([head, rest]) => head + rest.map(([s, a]) => s + a).join(""));
const repository = fc.array(component, { minLength: 1, maxLength: 4 }).map((parts) => parts.join("/"));
const tag = fc.stringMatching(/^[\w][\w.-]{0,30}$/);
const digest = fc.oneof(
  fc
    .string({ unit: fc.constantFrom(..."0123456789abcdef".split("")), minLength: 64, maxLength: 64 })
    .map((hex) => `sha256:${hex}`),
  fc
    .string({ unit: fc.constantFrom(..."0123456789abcdef".split("")), minLength: 128, maxLength: 128 })
    .map((hex) => `sha512:${hex}`),
);
const validReference: fc.Arbitrary<Reference> = fc
  .record({
    registry,
    repository,
    tag: fc.option(tag, { nil: undefined }),
    digest: fc.option(digest, { nil: undefined }),
  })
  .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as unknown as Reference)
  .filter((r) => `${r.registry}/${r.repository}`.length <= 255);

/** Input that is mostly not a reference: unicode, control characters, near misses, very long. */
const hostile = fc.oneof(
  fc.string({ unit: "binary", maxLength: 300 }),
  fc.string({ unit: fc.integer({ min: 0, max: 31 }).map((c) => String.fromCharCode(c)), maxLength: 20 }),
  fc.string({ unit: "grapheme", maxLength: 100 }),
  validReference.chain((ref) =>
    fc
      .tuple(fc.constant(formatReference(ref)), fc.nat(200), fc.string({ unit: "binary", minLength: 1, maxLength: 4 }))
      .map(([text, at, junk]) => text.slice(0, at % (text.length + 1)) + junk + text.slice(at % (text.length + 1))),
  ),
  fc
    .tuple(
      fc.constantFrom("a", "a-", "a.", "a_", "a/", "a:", "1", "A", "é", "@"),
      fc.integer({ min: 1_000, max: 50_000 }),
      fc.constantFrom("", "!", "/", ":", "@sha256:"),
    )
    .map(([unit, n, end]) => unit.repeat(n) + end),
);

describe("parseReference (property-based)", () => {
  it("round-trips every valid reference through formatReference", () => {
    fc.assert(
      fc.property(validReference, (ref) => {
        expect(parseReference(formatReference(ref))).toEqual(ref);
      }),
      { numRuns: RUNS },
    );
    proof.add({
      area: "Reference parser",
      tried:
        "parse(format(r)) = r for generated valid references (hosts, ports, IPv6, nested paths, tags, sha256/sha512 digests)",
      cases: RUNS,
      outcome: "all round-trip",
    });
  });

  it("answers anything else with an InvalidReferenceError that quotes a clipped input, fast, never a crash", () => {
    let refused = 0;
    let slowest = 0;
    fc.assert(
      fc.property(hostile, (input) => {
        const started = performance.now();
        let parsed: Reference | undefined;
        try {
          parsed = parseReference(input);
        } catch (error) {
          refused += 1;
          expect(error).toBeInstanceOf(InvalidReferenceError);
          expect((error as Error).message).toMatch(/^invalid reference ".*": \S/s);
          expect((error as Error).message.length).toBeLessThan(600);
        }
        slowest = Math.max(slowest, performance.now() - started);
        // Whatever it accepts is stable: parsing its own formatting gives it back.
        if (parsed) expect(parseReference(formatReference(parsed))).toEqual(parsed);
      }),
      { numRuns: RUNS },
    );
    // Catastrophic regex backtracking on 50 000 characters takes minutes; a busy machine takes a few hundred ms.
    expect(slowest).toBeLessThan(2_000);
    proof.add({
      area: "Reference parser",
      tried:
        "hostile strings: binary unicode, control characters, graphemes, valid references with junk spliced in, 1 000–50 000-character runs",
      cases: RUNS,
      outcome: `${refused} refused with InvalidReferenceError (message ≤ 600 chars), the rest re-parse identically; slowest ${slowest.toFixed(1)} ms`,
    });
  });
});
