import { afterAll, describe, expect, it } from "vitest";
import { proofLog } from "@/test/proof/support/proof-results";
import { safeCallback } from "./safe-callback";

const proof = proofLog("safe-callback", "hardening");
afterAll(() => proof.write());

describe("safeCallback", () => {
  const hostile = [
    "/\\evil.example",
    "/%09/evil.example",
    "//evil.example",
    "/%2F/evil.example",
    "https://evil.example",
    "/\t/evil.example",
  ];
  it.each(hostile)("sends %j to /releases", (value) => {
    expect(safeCallback(value)).toBe("/releases");
  });

  it("keeps the console's own paths", () => {
    expect(safeCallback("/promotions/abc?tab=images#log")).toBe("/promotions/abc?tab=images#log");
    expect(safeCallback(undefined)).toBe("/releases");
    proof.add({
      area: "open redirect",
      tried: `sign-in callbackUrl ${hostile.map((h) => JSON.stringify(h)).join(", ")}`,
      cases: hostile.length,
      outcome: "each sent to /releases; same-site paths kept",
    });
  });
});
